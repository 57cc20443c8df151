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
 */
public record Endpoint(String id, String host, int port, long registeredAtMillis, int weight) {
  /** The weight of a provider that does not state one. */
  public static final int DEFAULT_WEIGHT = 10;

  /** The metadata key under which a provider registers its weight. */
  public static final String WEIGHT_KEY = "weight";

  public Endpoint {
    requireNonNull(id, "id");
    requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, was " + port);
    }
    if (weight < 1) {
      throw new IllegalArgumentException("weight must be at least 1, was " + weight);
    }
  }

  /** An endpoint of the default weight. */
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
