package io.farcall.runtime.internal.security;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The tokens a provider accepts, for consumers without a client certificate: the {@code tokens}
 * option's file, one {@code <identity> <token>} a line ({@code #} starts a comment), read again
 * when it changes. Tokens are looked up by their SHA-256, so that the lookup tells nothing of a
 * token's bytes. Thread-safe.
 */
public final class Tokens {
  private static final Logger log = LogManager.getLogger(Tokens.class);

  /** The scheme of the {@value #METADATA_KEY} metadata a consumer sends its token in. */
  public static final String BEARER = "Bearer ";

  /** The metadata key a token travels under. */
  public static final String METADATA_KEY = "authorization";

  private final WatchedFile<Map<String, String>> table;

  /**
   * @throws IllegalArgumentException naming the option, if the file cannot be read or parsed
   */
  public Tokens(Path file) {
    this.table = new WatchedFile<>("tokens", file, Tokens::parse);
    log.info("tokens accepted: {} from {}", table.get().size(), file);
  }

  /** Reads the file again; see {@link WatchedFile#reloadIfChanged}. */
  public void reloadIfChanged() {
    table.reloadIfChanged();
  }

  /**
   * What the tokens are now: an object that changes whenever they do, so that what was worked out
   * from the previous ones is not used once a token was taken away.
   */
  public Object version() {
    return table.get();
  }

  /** The identity {@code token} stands for, or null if it is not accepted. */
  public String identity(String token) {
    return table.get().get(digest(token));
  }

  private static Map<String, String> parse(String text) {
    Map<String, String> byDigest = new HashMap<>();
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      if (parts.length != 2) {
        throw new IllegalArgumentException(
            "line " + (i + 1) + ": expected an identity and a token, separated by spaces");
      }
      if (parts[1].length() < 16) {
        throw new IllegalArgumentException(
            "line " + (i + 1) + ": the token of " + parts[0] + " is shorter than 16 characters");
      }
      if (byDigest.put(digest(parts[1]), parts[0]) != null) {
        throw new IllegalArgumentException("line " + (i + 1) + ": a token listed twice");
      }
    }
    return Map.copyOf(byDigest);
  }

  private static String digest(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JDK has SHA-256
    }
  }
}
