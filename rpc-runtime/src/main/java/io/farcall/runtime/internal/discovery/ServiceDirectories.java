package io.farcall.runtime.internal.discovery;

import static io.farcall.runtime.internal.discovery.ZooKeeperConnection.isConnectionProblem;
import static java.util.Objects.requireNonNull;

import io.farcall.RpcException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.discovery.ServiceCache;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A registry's per-service directories: one {@link CachedDirectory} per service, watching Curator's
 * service discovery on the Curator client it is handed, with the fallback to the providers last
 * saved on disk ({@link DiskCache}) for a directory ZooKeeper does not load in time. Also the
 * catch-up of what had to wait for ZooKeeper, after every (re)connection and while an initial load
 * is pending: the registrations Curator's discovery does not know yet ({@link
 * Registrar#submitPending}), then the directories' watches and initial loads.
 *
 * <p>Thread-safe. {@link #directory} runs on callers' threads and may block for a first load; the
 * catch-up runs on the maintenance thread it is handed, never on Curator's event thread, whose
 * connection listener only schedules it. Directory listeners run on the events executor.
 */
final class ServiceDirectories {
  // Logs as Registry: operators' log settings, and tests such as OfflineStartTest, name that
  // logger.
  private static final Logger LOG = LogManager.getLogger(Registry.class);

  /** How often to look again for directories' initial loads while one is pending. */
  private static final Duration CATCH_UP_INTERVAL = Duration.ofMillis(100);

  private final Duration connectTimeout;
  private final String connectString;
  private final CuratorFramework client;
  private final ServiceDiscovery<Map<String, String>> discovery;
  private final Executor events;
  private final ScheduledExecutorService maintenance;
  private final DiskCache disk;
  private final Registrar registrar;
  private final Map<String, CachedDirectory> directories = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Whether the one line saying ZooKeeper did not answer, and what is used instead, was logged. */
  private final AtomicBoolean outageLogged = new AtomicBoolean();

  /**
   * Set when a wait for a directory's initial load ran out: until a load completes or ZooKeeper
   * connects again, new directories do not wait, so an outage costs one connect timeout, not one
   * per service.
   */
  private final AtomicBoolean loadsStalled = new AtomicBoolean();

  private final AtomicBoolean catchUpScheduled = new AtomicBoolean();

  /**
   * @param connectTimeout how long {@link #directory} waits for a first load
   * @param events where directories tell their listeners of changes
   * @param maintenance where the catch-up runs
   * @param registrar whose pending registrations each catch-up submits first, and whose open
   *     registrations a new directory lists at once
   */
  ServiceDirectories(
      Duration connectTimeout,
      String connectString,
      CuratorFramework client,
      ServiceDiscovery<Map<String, String>> discovery,
      Executor events,
      ScheduledExecutorService maintenance,
      DiskCache disk,
      Registrar registrar) {
    this.connectTimeout = requireNonNull(connectTimeout);
    this.connectString = requireNonNull(connectString);
    this.client = requireNonNull(client);
    this.discovery = requireNonNull(discovery);
    this.events = requireNonNull(events);
    this.maintenance = requireNonNull(maintenance);
    this.disk = requireNonNull(disk);
    this.registrar = requireNonNull(registrar);
  }

  /**
   * Catches up after every (re)connection from now on. Call once, when the registry starts; if
   * ZooKeeper did not answer by then, call {@link #startedWithoutZooKeeper()} next.
   */
  void catchUpOnEveryConnection() {
    // Curator's discovery registers the instances it knows again on every (re)connection. What it
    // cannot know yet (registered while ZooKeeper was unreachable) and directories not watching
    // yet are caught up on our maintenance thread, never on Curator's event thread.
    client
        .getConnectionStateListenable()
        .addListener(
            (curator, state) -> {
              if (state.isConnected()) {
                loadsStalled.set(false);
                scheduleCatchUp(Duration.ZERO);
              }
            });
  }

  /** Says that the registry started while ZooKeeper did not answer, and catches up once it does. */
  void startedWithoutZooKeeper() {
    logStartedWithoutZooKeeper();
    // In case it connected before the listener of catchUpOnEveryConnection() was added.
    scheduleCatchUp(Duration.ZERO);
  }

  /** The one line that says ZooKeeper did not answer, and which saved providers stand in. */
  private void logStartedWithoutZooKeeper() {
    outageLogged.set(true);
    List<DiskCache.Snapshot> saved = disk.readAll();
    if (saved.isEmpty()) {
      LOG.warn(
          "ZooKeeper at {} unreachable (no answer within {} ms); going on and retrying in the"
              + " background, with no providers saved in {} to use meanwhile",
          connectString,
          connectTimeout.toMillis(),
          disk.directory());
      return;
    }
    StringJoiner services = new StringJoiner(", ");
    for (DiskCache.Snapshot s : saved) {
      services.add(
          s.service()
              + " ("
              + s.endpoints().size()
              + (s.endpoints().size() == 1 ? " provider" : " providers")
              + ", seen "
              + s.savedAt().truncatedTo(ChronoUnit.SECONDS)
              + ")");
    }
    LOG.warn(
        "ZooKeeper at {} unreachable (no answer within {} ms); going on and retrying in the"
            + " background, and until it answers using the providers last seen in it, saved in {},"
            + " for: {}",
        connectString,
        connectTimeout.toMillis(),
        disk.directory(),
        services);
  }

  /**
   * The directory of {@code service} (a name the caller checked), as {@link Registry#directory}
   * says: created, watched and waited for on the first call, returned at once on later ones.
   *
   * @throws RpcException if ZooKeeper answered but refused to let the service be watched
   */
  ServiceDirectory directory(String service) {
    CachedDirectory directory = directories.computeIfAbsent(service, this::newDirectory);
    if (directory.live()) {
      return directory;
    }
    if (connected() && !loadsStalled.get()) {
      try {
        directory.startWatch();
        if (!directory.awaitInitialLoad(connectTimeout)) {
          loadsStalled.set(true);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        if (!isConnectionProblem(e)) {
          throw new RpcException(
              "Could not watch the providers of " + service + " in ZooKeeper at " + connectString,
              e);
        }
        LOG.debug("Could not watch the providers of {} yet", service, e);
      }
    }
    if (!directory.live()) {
      fallBackToDisk(directory);
      // Starts the watch, and serves its initial load, as soon as ZooKeeper allows.
      scheduleCatchUp(CATCH_UP_INTERVAL);
    }
    return directory;
  }

  /** Lists {@code endpoint}, registered by this registry, in the directory of its service. */
  void addLocal(String service, Endpoint endpoint) {
    CachedDirectory directory = directories.get(service);
    if (directory != null) {
      directory.addLocal(endpoint);
    }
  }

  /** Takes {@code endpoint}, no longer registered, out of the directory of its service. */
  void removeLocal(String service, Endpoint endpoint) {
    CachedDirectory directory = directories.get(service);
    if (directory != null) {
      directory.removeLocal(endpoint);
    }
  }

  private CachedDirectory newDirectory(String service) {
    CachedDirectory directory =
        new CachedDirectory(service, () -> newServiceCache(service), events, disk);
    registrar.endpointsOf(service).forEach(directory::addLocal);
    return directory;
  }

  @SuppressWarnings("deprecation") // threadFactory(null): see below
  private ServiceCache<Map<String, String>> newServiceCache(String service) {
    return discovery
        .serviceCacheBuilder()
        .name(service)
        // With a ZooKeeper client that has persistent watches (3.6+), Curator's cache runs on
        // ZooKeeper's event thread and uses no executor; by default the builder would still
        // make one (which nobody shuts down, CURATOR-557) and Curator would warn about it.
        .threadFactory(null)
        .build();
  }

  /** Serves what the disk cache saved for a directory ZooKeeper did not load in time. */
  private void fallBackToDisk(CachedDirectory directory) {
    Optional<DiskCache.Snapshot> saved = directory.seedFromDisk();
    if (directory.live()) {
      return; // ZooKeeper answered meanwhile
    }
    String service = directory.service();
    if (!outageLogged.compareAndSet(false, true)) {
      LOG.debug(
          "ZooKeeper at {} did not load the providers of {}; using {}",
          connectString,
          service,
          saved.map(s -> s.endpoints().toString()).orElse("none"));
      return;
    }
    if (saved.isPresent()) {
      LOG.warn(
          "ZooKeeper at {} did not answer in time; using the providers of {} last seen on {} from"
              + " {} until it does",
          connectString,
          service,
          saved.get().savedAt().truncatedTo(ChronoUnit.SECONDS),
          saved.get().file());
    } else {
      LOG.warn(
          "ZooKeeper at {} did not answer in time; the providers of {} will be known when it does"
              + " (none saved in {})",
          connectString,
          service,
          disk.file(service));
    }
  }

  private void scheduleCatchUp(Duration delay) {
    if (closed.get() || !catchUpScheduled.compareAndSet(false, true)) {
      return;
    }
    try {
      maintenance.schedule(
          () -> {
            catchUpScheduled.set(false);
            catchUp();
          },
          delay.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      catchUpScheduled.set(false);
    }
  }

  /**
   * Does what had to wait for ZooKeeper: registers the instances Curator's discovery does not know
   * yet, starts the watches of directories created while disconnected and serves their initial
   * loads (of which Curator's cache tells nothing). Runs on the maintenance thread after every
   * (re)connection, then every {@link #CATCH_UP_INTERVAL} while a load is pending, and in every
   * periodic round of the registry.
   */
  void catchUp() {
    if (closed.get() || !connected()) {
      return;
    }
    try {
      registrar.submitPending();
      boolean loading = false;
      for (CachedDirectory directory : directories.values()) {
        try {
          directory.startWatch();
        } catch (InterruptedException e) {
          throw e;
        } catch (Exception e) {
          // Retried by the next (re)connection or periodic round.
          LOG.debug("Could not watch the providers of {} yet", directory.service(), e);
          continue;
        }
        if (directory.checkLoaded()) {
          loadsStalled.set(false);
        } else {
          loading = true;
        }
      }
      if (loading) {
        scheduleCatchUp(CATCH_UP_INTERVAL);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing
    } catch (Exception e) {
      LOG.debug("Could not catch up with ZooKeeper at {} yet", connectString, e);
    }
  }

  /** Stops every directory; no catch-up is scheduled after this. Call once, when closing. */
  void close() {
    closed.set(true);
    directories.values().forEach(CachedDirectory::close);
    directories.clear();
  }

  private boolean connected() {
    return client.getZookeeperClient().isConnected();
  }
}
