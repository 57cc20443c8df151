package io.farcall.agent.cli;

import io.farcall.Remote;

/** A service the CLI tests register and ping. */
@Remote
public interface Catalog {
  String describe(String sku);
}
