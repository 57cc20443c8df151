package io.farcall.spring.boot.api;

import io.farcall.Remote;

/** The service the starter's tests export and call. */
@Remote
public interface Quotes {
  int price(String sku);

  /** Waits until the test releases it (or 10 s), then returns {@code sku}. */
  String held(String sku);
}
