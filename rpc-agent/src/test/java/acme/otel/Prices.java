package acme.otel;

import io.farcall.Remote;

@Remote
public interface Prices {
  /** The value of {@code key} in the served call's metadata, or "-". */
  String metadata(String key);
}
