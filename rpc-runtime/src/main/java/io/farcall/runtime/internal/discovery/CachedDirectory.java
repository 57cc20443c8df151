package io.farcall.runtime.internal.discovery;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
 *
 * <p>The watch starts when the registry can reach ZooKeeper ({@link #startWatch()}), which may be
 * after the directory was created; until its initial load completes the directory serves what the
 * {@link DiskCache} saved, if {@link #seedFromDisk()} found anything. Every list read from
 * ZooKeeper is saved back to the disk cache, without the instances this registry registered itself:
 * they end with this JVM.
 */
final class CachedDirectory implements ServiceDirectory, AutoCloseable {
  /** Where the current {@link #endpoints()} come from (besides this JVM's own registrations). */
  enum Source {
    /**
     * Nothing known yet: ZooKeeper has not answered since the directory was created and nothing was
     * saved on disk for the service. The endpoints are only those this registry registered itself,
     * often none.
     */
    NONE,

    /**
     * Read from the local disk cache, as another run (or another JVM of the same user) last saw
     * them in ZooKeeper: ZooKeeper has not answered since the directory was created. Some may be
     * gone.
     */
    DISK_CACHE,

    /**
     * Read from ZooKeeper by this directory. It stays so while ZooKeeper is unreachable afterwards:
     * the endpoints are then the last ones ZooKeeper gave, changed only by this registry's own
     * registrations, until ZooKeeper answers again.
     */
    ZOOKEEPER
  }

  private static final Logger LOG = LogManager.getLogger(CachedDirectory.class);

  private final String service;
  private final Supplier<ServiceCache<Map<String, String>>> newCache;
  private final Executor events;
  private final DiskCache disk;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  /**
   * Instances this JVM registered: known to be alive without waiting for ZooKeeper to tell, so an
   * application that exports a service and calls it at once finds it.
   */
  private final Set<Endpoint> local = ConcurrentHashMap.newKeySet();

  /** The ids of every instance this registry registered, live or closed: never saved to disk. */
  private final Set<String> ownIds = ConcurrentHashMap.newKeySet();

  /** The started Curator cache and its initial load; null until {@link #startWatch()}. */
  private record Watch(ServiceCache<Map<String, String>> cache, CountDownLatch initialLoad) {}

  /** What readers see; replaced whole so that endpoints and source change together. */
  private record View(List<Endpoint> endpoints, Source source) {}

  private final Object startLock = new Object();
  private volatile Watch watch;
  private volatile boolean closed;
  private volatile View view = new View(List.of(), Source.NONE);

  // Guarded by this.
  private boolean seedRead;
  private DiskCache.Snapshot seed;
  private List<Endpoint> saved;

  CachedDirectory(
      String service,
      Supplier<ServiceCache<Map<String, String>>> newCache,
      Executor events,
      DiskCache disk) {
    this.service = requireNonNull(service);
    this.newCache = requireNonNull(newCache);
    this.events = requireNonNull(events);
    this.disk = requireNonNull(disk);
  }

  /**
   * Starts watching ZooKeeper unless already watching; returns without waiting for the initial
   * load. Blocks while ZooKeeper is asked to create the service's node, so call it only when
   * connected: it fails with a connection loss after Curator's retries otherwise, and can then be
   * called again.
   */
  void startWatch() throws Exception {
    synchronized (startLock) {
      if (closed || watch != null) {
        return;
      }
      ServiceCache<Map<String, String>> cache = newCache.get();
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
      CountDownLatch initialLoad;
      try {
        initialLoad = cache.startImmediate();
      } catch (Exception e) {
        // A started cache cannot be started again: the next attempt builds a new one.
        closeQuietly(cache);
        throw e;
      }
      watch = new Watch(cache, initialLoad);
      if (closed) {
        closeQuietly(cache); // close() ran meanwhile and saw no watch
      }
    }
  }

  /** Whether {@link #startWatch()} succeeded. */
  boolean watching() {
    return watch != null;
  }

  /**
   * Waits up to {@code timeout} for the initial load from ZooKeeper; returns whether it completed
   * (false at once if not watching).
   */
  boolean awaitInitialLoad(Duration timeout) throws InterruptedException {
    Watch w = watch;
    if (w == null) {
      return false;
    }
    boolean loaded = w.initialLoad.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    refresh();
    return loaded;
  }

  /**
   * Whether the initial load from ZooKeeper completed; if it did and the directory did not serve it
   * yet, serves it now. Curator's cache tells its listeners nothing when the initial load
   * completes, so the registry calls this until it returns true.
   */
  boolean checkLoaded() {
    if (!loaded()) {
      return false;
    }
    if (view.source() != Source.ZOOKEEPER) {
      refresh();
    }
    return true;
  }

  /**
   * Serves the endpoints saved on disk for the service until ZooKeeper answers: the first call
   * reads the file, later ones return what it found. Returns what is served, empty if nothing was
   * saved or the directory already serves what ZooKeeper said.
   */
  synchronized Optional<DiskCache.Snapshot> seedFromDisk() {
    if (loaded()) {
      return Optional.empty();
    }
    if (!seedRead) {
      seedRead = true;
      seed = disk.read(service).orElse(null);
      refresh();
    }
    return Optional.ofNullable(seed);
  }

  @Override
  public String service() {
    return service;
  }

  @Override
  public List<Endpoint> endpoints() {
    return view.endpoints();
  }

  /**
   * Where the current endpoints come from. Cheap: one volatile read. It changes from {@link
   * Source#NONE} or {@link Source#DISK_CACHE} to {@link Source#ZOOKEEPER} once, when ZooKeeper
   * first answers, and never back.
   */
  Source source() {
    return view.source();
  }

  /**
   * Whether the endpoints were read from ZooKeeper ({@link Source#ZOOKEEPER}), as opposed to being
   * only what was saved on disk or nothing at all.
   */
  boolean live() {
    return source() == Source.ZOOKEEPER;
  }

  @Override
  public void addListener(Runnable onChange) {
    listeners.add(requireNonNull(onChange, "onChange"));
  }

  void addLocal(Endpoint endpoint) {
    ownIds.add(endpoint.id());
    local.add(endpoint);
    refresh();
  }

  void removeLocal(Endpoint endpoint) {
    local.remove(endpoint);
    refresh();
  }

  private boolean loaded() {
    Watch w = watch;
    return w != null && w.initialLoad.getCount() == 0;
  }

  private synchronized void refresh() {
    Watch w = watch;
    boolean live = w != null && w.initialLoad.getCount() == 0;
    List<Endpoint> remote;
    if (live) {
      remote =
          w.cache.getInstances().stream()
              .filter(SafeJsonInstanceSerializer::isUsable)
              .map(CachedDirectory::toEndpoint)
              .sorted(Comparator.comparing(Endpoint::id))
              .toList();
      save(remote);
    } else {
      // Before the initial load completes Curator's cache holds only part of the children.
      remote = seed == null ? List.of() : seed.endpoints();
    }
    Map<String, Endpoint> byId = new TreeMap<>();
    for (Endpoint e : local) {
      byId.put(e.id(), e);
    }
    remote.forEach(e -> byId.putIfAbsent(e.id(), e));
    Source source = live ? Source.ZOOKEEPER : seed != null ? Source.DISK_CACHE : Source.NONE;
    View fresh = new View(List.copyOf(byId.values()), source);
    if (fresh.equals(view)) {
      return;
    }
    view = fresh;
    LOG.debug("Directory of {} now ({}): {}", service, source, fresh.endpoints());
    try {
      events.execute(this::notifyListeners);
    } catch (RejectedExecutionException closing) {
      // The registry is closing; nobody is waiting for news any more.
    }
  }

  /** Saves what ZooKeeper said, when it differs from what was last saved (or on the first load). */
  private void save(List<Endpoint> remote) {
    List<Endpoint> others = remote.stream().filter(e -> !ownIds.contains(e.id())).toList();
    if (others.equals(saved) || closed) {
      return;
    }
    saved = others;
    disk.write(service, others, Instant.now());
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
    java.util.Map<?, ?> metadata =
        instance.getPayload() instanceof java.util.Map<?, ?> m ? m : java.util.Map.of();
    return new Endpoint(
        instance.getId(),
        instance.getAddress(),
        instance.getPort(),
        instance.getRegistrationTimeUTC(),
        Endpoint.weightOf(metadata),
        Endpoint.TlsSupport.of(metadata.get(Endpoint.TLS_KEY)));
  }

  @Override
  public void close() {
    closed = true;
    Watch w = watch;
    if (w != null) {
      closeQuietly(w.cache);
    }
  }

  private void closeQuietly(ServiceCache<?> cache) {
    try {
      cache.close();
    } catch (Exception e) {
      LOG.debug("Closing the cache of {} failed", service, e);
    }
  }
}
