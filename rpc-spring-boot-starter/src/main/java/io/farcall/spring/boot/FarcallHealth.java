package io.farcall.spring.boot;

import io.farcall.runtime.Farcall;
import io.farcall.runtime.FarcallStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the Actuator health indicator reports, for either Boot's health API: up when the runtime is
 * ready ({@link FarcallStatus#ready()}: connected to its registry, every export registered), down
 * otherwise; the details name the registry, the connection and the services exported, registered or
 * not.
 *
 * @param up whether the runtime is ready
 * @param details what a health endpoint shows with details on
 */
public record FarcallHealth(boolean up, Map<String, Object> details) {

  /** The health of {@code farcall} now. */
  public static FarcallHealth of(Farcall farcall) {
    FarcallStatus status = farcall.status();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("registry", status.registry());
    details.put("registryConnected", status.registryConnected());
    List<String> registered = new ArrayList<>();
    List<String> unregistered = new ArrayList<>();
    status.exports().forEach((service, ok) -> (ok ? registered : unregistered).add(service));
    details.put("registered", registered);
    if (!unregistered.isEmpty()) {
      details.put("notRegistered", unregistered);
    }
    if (status.closed()) {
      details.put("closed", true);
    }
    return new FarcallHealth(status.ready(), details);
  }
}
