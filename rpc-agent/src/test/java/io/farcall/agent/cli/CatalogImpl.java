package io.farcall.agent.cli;

public class CatalogImpl implements Catalog {
  @Override
  public String describe(String sku) {
    return "item " + sku;
  }
}
