package io.farcall.runtime.internal.invoke;

import io.farcall.Metadata;
import io.farcall.PermissionDeniedException;
import io.farcall.runtime.internal.security.Tokens;
import io.farcall.runtime.internal.transport.ServerConnection;

/**
 * Who a provider's caller is: the identity in its TLS client certificate, else the one its token
 * stands for, else {@link PermissionDeniedException#ANONYMOUS}. What a connection's certificate and
 * last token gave is kept with the connection, so that a call allocates nothing for it.
 */
final class Identities {
  /** The identities of a provider that accepts no tokens. */
  static final Identities CERTIFICATES = new Identities(null);

  private final Tokens tokens;

  /** A token a connection sent, and whom it stood for while the tokens were {@code version}. */
  private record Known(Object version, String header, String identity) {}

  /**
   * @param tokens the tokens the provider accepts, or null for none
   */
  Identities(Tokens tokens) {
    this.tokens = tokens;
  }

  String of(ServerConnection conn, Metadata metadata) {
    String certified = conn.certificateIdentity();
    if (certified != null) {
      return certified;
    }
    if (tokens != null && metadata != null) {
      String header = metadata.get(Tokens.METADATA_KEY);
      if (header != null && header.startsWith(Tokens.BEARER)) {
        Object version = tokens.version();
        if (conn.tokenCache() instanceof Known k
            && k.version() == version
            && k.header().equals(header)) {
          return k.identity();
        }
        String id = tokens.identity(header.substring(Tokens.BEARER.length()));
        String identity = id != null ? id : PermissionDeniedException.ANONYMOUS;
        conn.tokenCache(new Known(version, header, identity));
        return identity;
      }
    }
    return PermissionDeniedException.ANONYMOUS;
  }
}
