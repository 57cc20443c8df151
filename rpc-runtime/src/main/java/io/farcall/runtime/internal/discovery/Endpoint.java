package io.farcall.runtime.internal.discovery;

import static java.util.Objects.requireNonNull;

/**
 * One registered provider instance of one service.
 *
 * @param id the Curator instance id, unique among the instances of the service
 * @param host the address the provider listens on, as it advertised it
 * @param port the port the provider listens on
 * @param registeredAtMillis when the instance was registered, in milliseconds since the epoch
 */
public record Endpoint(String id, String host, int port, long registeredAtMillis) {
  public Endpoint {
    requireNonNull(id, "id");
    requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, was " + port);
    }
  }

  /** {@code host:port}, as logs and the CLI show it. */
  public String address() {
    return host + ":" + port;
  }
}
