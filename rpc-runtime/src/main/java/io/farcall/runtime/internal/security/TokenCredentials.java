package io.farcall.runtime.internal.security;

import io.farcall.ClientInterceptor;
import io.farcall.RemoteCall;
import java.nio.file.Path;

/**
 * Sends a consumer's token (the {@code tokenfile} option's file, its whole text trimmed, read again
 * when it changes) with every call, as {@code authorization: Bearer <token>} metadata, for a
 * provider whose {@link Tokens} map it to an identity. Only with TLS, so that it never travels in
 * plaintext (the settings see to that).
 */
public final class TokenCredentials implements ClientInterceptor {
  private final WatchedFile<String> header;

  /**
   * @throws IllegalArgumentException naming the option, if the file cannot be read or is empty
   */
  public TokenCredentials(Path file) {
    this.header =
        new WatchedFile<>(
            "tokenfile",
            file,
            text -> {
              String token = text.strip();
              if (token.isEmpty() || token.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("expected one token, without spaces");
              }
              return Tokens.BEARER + token;
            });
  }

  /** Reads the file again; see {@link WatchedFile#reloadIfChanged}. */
  public void reloadIfChanged() {
    header.reloadIfChanged();
  }

  @Override
  public Object intercept(RemoteCall call, Chain chain) throws Throwable {
    call.metadata().put(Tokens.METADATA_KEY, header.get());
    return chain.proceed();
  }
}
