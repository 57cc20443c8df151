package io.farcall.runtime;

import java.util.Map;

/**
 * What a {@link Farcall} runtime can say about its own health, at one moment: whether it is
 * connected to its registry, and whether each service it exports is registered there. Health checks
 * (the Spring Boot starter's Actuator indicator, a container's readiness probe) read it.
 *
 * @param registry the ZooKeeper connect string in use
 * @param registryConnected whether the runtime is connected to ZooKeeper now; while it is not,
 *     stubs call the providers last seen and exports are registered once it answers again
 * @param exports each exported service's name, in export order, and whether its instance's node was
 *     last seen written by the current ZooKeeper session
 * @param closed whether the runtime is closing or closed
 */
public record FarcallStatus(
    String registry, boolean registryConnected, Map<String, Boolean> exports, boolean closed) {

  public FarcallStatus {
    exports = Map.copyOf(exports);
  }

  /**
   * Ready to serve: open, connected to the registry, and every export registered. A runtime that
   * exports nothing is ready once connected.
   */
  public boolean ready() {
    return !closed && registryConnected && !exports.containsValue(false);
  }
}
