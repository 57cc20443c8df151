package io.farcall.runtime.internal.discovery;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.x.discovery.ServiceCache;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.ServiceCacheListener;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A {@link ServiceDirectory} backed by a Curator {@link ServiceCache}: a watch pushes every change,
 * and the cache re-reads the service's children after a reconnection. Curator's cache never drops
 * instances because of a connection loss, so neither does this directory.
 */
final class CachedDirectory implements ServiceDirectory, AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(CachedDirectory.class);

  private final String service;
  private final ServiceCache<Map<String, String>> cache;
  private final Executor events;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile List<Endpoint> endpoints = List.of();

  /**
   * Instances this JVM registered: known to be alive without waiting for ZooKeeper to tell, so an
   * application that exports a service and calls it at once finds it.
   */
  private final Set<Endpoint> local = ConcurrentHashMap.newKeySet();

  private volatile CountDownLatch initialLoad;

  CachedDirectory(String service, ServiceCache<Map<String, String>> cache, Executor events) {
    this.service = requireNonNull(service);
    this.cache = requireNonNull(cache);
    this.events = requireNonNull(events);
  }

  /** Starts watching; returns at once. */
  void start() throws Exception {
    cache.addListener(
        new ServiceCacheListener() {
          @Override
          public void cacheChanged() {
            refresh();
          }

          @Override
          public void stateChanged(CuratorFramework client, ConnectionState newState) {
            // Deliberately nothing: a connection loss says nothing about the providers, which
            // keep serving; the cache re-reads the children itself once reconnected.
            LOG.debug("Directory of {}: ZooKeeper connection {}", service, newState);
          }
        },
        events);
    initialLoad = cache.startImmediate();
  }

  /** Waits up to {@code timeout} for the initial load; returns whether it completed. */
  boolean awaitInitialLoad(Duration timeout) throws InterruptedException {
    boolean loaded = initialLoad.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    refresh();
    return loaded;
  }

  @Override
  public String service() {
    return service;
  }

  @Override
  public List<Endpoint> endpoints() {
    return endpoints;
  }

  @Override
  public void addListener(Runnable onChange) {
    listeners.add(requireNonNull(onChange, "onChange"));
  }

  void addLocal(Endpoint endpoint) {
    local.add(endpoint);
    refresh();
  }

  void removeLocal(Endpoint endpoint) {
    local.remove(endpoint);
    refresh();
  }

  private synchronized void refresh() {
    Map<String, Endpoint> byId = new TreeMap<>();
    for (Endpoint e : local) {
      byId.put(e.id(), e);
    }
    cache.getInstances().stream()
        .filter(SafeJsonInstanceSerializer::isUsable)
        .map(CachedDirectory::toEndpoint)
        .forEach(e -> byId.putIfAbsent(e.id(), e));
    List<Endpoint> fresh = List.copyOf(byId.values());
    if (fresh.equals(endpoints)) {
      return;
    }
    endpoints = fresh;
    LOG.debug("Directory of {} now: {}", service, fresh);
    try {
      events.execute(this::notifyListeners);
    } catch (RejectedExecutionException closing) {
      // The registry is closing; nobody is waiting for news any more.
    }
  }

  private void notifyListeners() {
    for (Runnable listener : listeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        LOG.warn("A listener of the directory of {} failed", service, e);
      }
    }
  }

  static Endpoint toEndpoint(ServiceInstance<?> instance) {
    return new Endpoint(
        instance.getId(),
        instance.getAddress(),
        instance.getPort(),
        instance.getRegistrationTimeUTC(),
        Endpoint.weightOf(
            instance.getPayload() instanceof java.util.Map<?, ?> m ? m : java.util.Map.of()));
  }

  @Override
  public void close() {
    try {
      cache.close();
    } catch (Exception e) {
      LOG.debug("Closing the cache of {} failed", service, e);
    }
  }
}
