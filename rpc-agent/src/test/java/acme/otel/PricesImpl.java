package acme.otel;

import io.farcall.CurrentCall;
import io.farcall.Export;

@Export
public class PricesImpl implements Prices {
  @Override
  public String metadata(String key) {
    String v = CurrentCall.metadata().get(key);
    return v == null ? "-" : v;
  }
}
