package io.farcall.runtime.internal.discovery;

import static java.util.Objects.requireNonNull;

/**
 * One registered provider instance of one service.
 *
 * @param id the Curator instance id, unique among the instances of the service
 * @param host the address the provider listens on, as it advertised it
 * @param port the port the provider listens on
 * @param registeredAtMillis when the instance was registered, in milliseconds since the epoch
 * @param weight the provider's share of calls relative to others ({@link #DEFAULT_WEIGHT} when its
 *     registration does not say)
 * @param tls whether the provider speaks TLS, as its registration says
 */
public record Endpoint(
    String id, String host, int port, long registeredAtMillis, int weight, TlsSupport tls) {
  /** What a provider's registration says about TLS. */
  public enum TlsSupport {
    /** Nothing: plaintext only. */
    NONE,
    /** TLS and plaintext, on the same port (while a fleet moves to TLS). */
    OPTIONAL,
    /** TLS only. */
    REQUIRED;

    /** As the registration's metadata says it, under {@link #TLS_KEY}; null for {@link #NONE}. */
    public String text() {
      return this == NONE ? null : name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * What {@code text} says; {@link #NONE} when it says nothing. Anything else is {@link
     * #REQUIRED}: a registration that says something unknown about TLS never gets plaintext.
     */
    public static TlsSupport of(Object text) {
      if (text == null) {
        return NONE;
      }
      return text.toString().trim().equalsIgnoreCase("optional") ? OPTIONAL : REQUIRED;
    }
  }

  /** The metadata key under which a provider registers that it speaks TLS. */
  public static final String TLS_KEY = "tls";

  /** The weight of a provider that does not state one. */
  public static final int DEFAULT_WEIGHT = 10;

  /** The metadata key under which a provider registers its weight. */
  public static final String WEIGHT_KEY = "weight";

  public Endpoint {
    requireNonNull(id, "id");
    requireNonNull(host, "host");
    requireNonNull(tls, "tls");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, was " + port);
    }
    if (weight < 1) {
      throw new IllegalArgumentException("weight must be at least 1, was " + weight);
    }
  }

  /** A plaintext endpoint. */
  public Endpoint(String id, String host, int port, long registeredAtMillis, int weight) {
    this(id, host, port, registeredAtMillis, weight, TlsSupport.NONE);
  }

  /** A plaintext endpoint of the default weight. */
  public Endpoint(String id, String host, int port, long registeredAtMillis) {
    this(id, host, port, registeredAtMillis, DEFAULT_WEIGHT);
  }

  /** The weight a registration's metadata states, or the default if it states none or nonsense. */
  public static int weightOf(java.util.Map<?, ?> metadata) {
    Object w = metadata == null ? null : metadata.get(WEIGHT_KEY);
    if (w != null) {
      try {
        int parsed = Integer.parseInt(w.toString().trim());
        if (parsed >= 1 && parsed <= 1000) {
          return parsed;
        }
      } catch (NumberFormatException e) {
        // a provider's nonsense weighs the default
      }
    }
    return DEFAULT_WEIGHT;
  }

  /** {@code host:port}, as logs and the CLI show it. */
  public String address() {
    return host + ":" + port;
  }
}
