package acme.otel;

import io.farcall.Export;
import io.farcall.RemoteRef;

/** Serves {@link Stock} by calling {@link Prices} remotely, from the provider's thread. */
@Export
public class StockImpl implements Stock {
  @RemoteRef Prices prices;

  @Override
  public String check(String key) {
    return prices.metadata(key);
  }

  @Override
  public String broken() {
    throw new IllegalStateException("the shelf fell over");
  }
}
