package io.farcall.runtime.testing;

import io.farcall.LoadBalance;
import io.farcall.Remote;

/** A service whose calls are routed by their first argument. */
@Remote(loadBalance = LoadBalance.CONSISTENT_HASH)
public interface Sharded {
  /** The name of the provider that owns {@code key}. */
  String owner(String key);
}
