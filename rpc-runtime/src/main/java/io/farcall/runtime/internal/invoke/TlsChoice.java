package io.farcall.runtime.internal.invoke;

import io.farcall.runtime.internal.discovery.Endpoint;
import io.farcall.runtime.internal.transport.ClientTransport;
import io.farcall.runtime.internal.transport.Connection;
import io.farcall.runtime.internal.transport.Tls;

/**
 * Whether a consumer speaks TLS or plaintext to a provider, from its own mode and what the
 * provider's registration says, or why it does not call that provider at all. A consumer never
 * sends a call in plaintext to a provider that says it speaks TLS only, and with {@code tls=on}
 * never in plaintext to any.
 */
final class TlsChoice {
  private TlsChoice() {}

  /** Why this runtime calls no provider at {@code e}, or null if it may. */
  static String refusal(Endpoint e, Tls tls) {
    Tls.Mode mode = tls == null ? Tls.Mode.OFF : tls.mode();
    if (mode == Tls.Mode.OFF && e.tls() == Endpoint.TlsSupport.REQUIRED) {
      return "the provider at "
          + e.address()
          + " speaks TLS only, and this runtime has tls=off (set tls, and tlsca to trust it)";
    }
    if (mode == Tls.Mode.ON && e.tls() == Endpoint.TlsSupport.NONE) {
      return "the provider at "
          + e.address()
          + " does not say it speaks TLS, and tls=on sends no call in plaintext";
    }
    return null;
  }

  /** Whether calls to {@code e} go over TLS; only for an endpoint without a {@link #refusal}. */
  static boolean secure(Endpoint e, Tls tls) {
    return tls != null && e.tls() != Endpoint.TlsSupport.NONE;
  }

  /** The connection calls to {@code e} go over. */
  static Connection connection(ClientTransport transport, Endpoint e) {
    return transport.connection(e.host(), e.port(), secure(e, transport.tls()));
  }
}
