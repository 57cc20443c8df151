package io.farcall.agent.cli;

import io.farcall.Remote;

/** A service whose only provider stops, leaving it registered with none. */
@Remote
public interface Pricing {
  int price(String sku);
}
