package io.farcall.runtime.internal.discovery;

import static java.util.Objects.requireNonNull;

import io.farcall.RpcException;
import io.farcall.runtime.internal.discovery.Registry.Listing;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.zookeeper.KeeperException;

/**
 * Listing for the operations tools: every service under the base path with its usable instances,
 * read from ZooKeeper now through the Curator service discovery it is handed, never cached. Not for
 * the call path.
 *
 * <p>Thread-safe and stateless: each call blocks its caller while it reads ZooKeeper, for a few
 * connect timeouts at most while ZooKeeper is unreachable.
 */
final class ServiceLister {
  private final String basePath;
  private final String connectString;
  private final ServiceDiscovery<Map<String, String>> discovery;

  ServiceLister(
      String basePath, String connectString, ServiceDiscovery<Map<String, String>> discovery) {
    this.basePath = requireNonNull(basePath);
    this.connectString = requireNonNull(connectString);
    this.discovery = requireNonNull(discovery);
  }

  /** As {@link Registry#listAll}. */
  Map<String, List<Endpoint>> listAll() {
    Map<String, List<Endpoint>> all = new TreeMap<>();
    list()
        .forEach(
            (service, listed) -> all.put(service, listed.stream().map(Listing::endpoint).toList()));
    return Collections.unmodifiableMap(all);
  }

  /** As {@link Registry#list}. */
  Map<String, List<Listing>> list() {
    Map<String, List<Listing>> all = new TreeMap<>();
    try {
      for (String service : discovery.queryForNames()) {
        all.put(
            service,
            discovery.queryForInstances(service).stream()
                .filter(SafeJsonInstanceSerializer::isUsable)
                .map(
                    i ->
                        new Listing(
                            CachedDirectory.toEndpoint(i),
                            i.getPayload() == null ? Map.of() : Map.copyOf(i.getPayload())))
                .sorted(Comparator.comparing(l -> l.endpoint().id()))
                .toList());
      }
    } catch (KeeperException.NoNodeException e) {
      return Map.of(); // nothing was ever registered under the base path
    } catch (Exception e) {
      throw new RpcException(
          "Could not list the services under " + basePath + " in ZooKeeper at " + connectString, e);
    }
    return Collections.unmodifiableMap(all);
  }
}
