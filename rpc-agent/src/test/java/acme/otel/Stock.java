package acme.otel;

import io.farcall.Remote;

/** What the warehouse has; asks {@link Prices} on the way, a nested call. */
@Remote
public interface Stock {
  /** What {@link Prices} was served with under {@code key} in its call's metadata. */
  String check(String key);

  /** Throws an IllegalStateException on the provider. */
  String broken();
}
