package io.farcall.agent.cli;

public class PricingImpl implements Pricing {
  @Override
  public int price(String sku) {
    return sku.length();
  }
}
