package io.farcall.runtime.internal.invoke;

import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.transport.Frame;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which exported method a request names: by the raw bytes of its header where it can (no string
 * decoded), by name otherwise. Thread-safe; lookups take no lock.
 */
final class ServiceRoutes {
  private final Map<String, Map<String, ProviderMethod>> services = new ConcurrentHashMap<>();

  /** The same methods, found from the raw header bytes; rebuilt when the services change. */
  private volatile Table table = Table.of(Map.of());

  /** Serves {@code methods} (by method key) as {@code service}; replaces what it served. */
  void put(String service, Map<String, ProviderMethod> methods) {
    synchronized (services) {
      services.put(service, methods);
      table = Table.of(services);
    }
  }

  void remove(String service) {
    synchronized (services) {
      services.remove(service);
      table = Table.of(services);
    }
  }

  boolean serves(String service) {
    return services.containsKey(service);
  }

  /** The method {@code request} names, or null. */
  ProviderMethod find(Frame request) {
    ProviderMethod m = request.hasRawKey() ? table.find(request) : null;
    if (m == null) {
      Header h = request.header();
      Map<String, ProviderMethod> methods = services.get(h.getService());
      m = methods == null ? null : methods.get(h.getMethod());
    }
    return m;
  }

  /** Why {@code request}, for which {@link #find} found nothing, cannot be served. */
  String notFound(Frame request) {
    Header h = request.header();
    return services.containsKey(h.getService())
        ? "unknown method '" + h.getMethod() + "' of service '" + h.getService() + "'"
        : "unknown service '" + h.getService() + "'";
  }

  /**
   * Exported methods by the raw bytes of their service name and method key: an open-addressing
   * table, so that a request finds its method without decoding strings. Immutable.
   */
  private static final class Table {
    private record Route(int hash, byte[] service, byte[] method, ProviderMethod target) {}

    private final Route[] slots;

    private Table(Route[] slots) {
      this.slots = slots;
    }

    static Table of(Map<String, Map<String, ProviderMethod>> services) {
      int count = 0;
      for (Map<String, ProviderMethod> methods : services.values()) {
        count += methods.size();
      }
      // At most half full, so probing always meets an empty slot.
      Route[] slots = new Route[Integer.highestOneBit(Math.max(1, count) * 2) * 2];
      for (Map.Entry<String, Map<String, ProviderMethod>> s : services.entrySet()) {
        byte[] service = s.getKey().getBytes(StandardCharsets.UTF_8);
        for (Map.Entry<String, ProviderMethod> m : s.getValue().entrySet()) {
          byte[] method = m.getKey().getBytes(StandardCharsets.UTF_8);
          int hash = Frame.keyHash(service, method);
          int i = hash & (slots.length - 1);
          while (slots[i] != null) {
            i = (i + 1) & (slots.length - 1);
          }
          slots[i] = new Route(hash, service, method, m.getValue());
        }
      }
      return new Table(slots);
    }

    ProviderMethod find(Frame request) {
      int hash = request.keyHash();
      for (int i = hash & (slots.length - 1); ; i = (i + 1) & (slots.length - 1)) {
        Route r = slots[i];
        if (r == null) {
          return null;
        }
        if (r.hash == hash && request.keyEquals(r.service, r.method)) {
          return r.target;
        }
      }
    }
  }
}
