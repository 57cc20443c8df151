package io.farcall.test;

import io.farcall.Remote;

/** A service for the extension's tests. */
@Remote
public interface Counter {
  /** The next number of this provider's count. */
  int next();

  /** Which provider answered. */
  String whoAmI();
}
