package io.farcall.runtime.internal.discovery;

import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import io.farcall.RpcException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.curator.utils.ZKPaths;
import org.apache.curator.x.discovery.ServiceCache;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceType;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.PathUtils;
import org.apache.zookeeper.data.Stat;

/**
 * Registration and discovery of providers in ZooKeeper, through Curator's service discovery: each
 * registered instance is an ephemeral node {@code <basePath>/<service>/<instance id>} holding
 * Curator's standard instance JSON, so stock Curator clients can read it.
 *
 * <p>One registry owns one Curator client and, in zero-config when no ZooKeeper answered on
 * 127.0.0.1:2181, the embedded ZooKeeper it started there. Thread-safe. {@link #close()}
 * deregisters everything and returns only once every thread the registry started has ended.
 * Directory listeners run on a thread of the registry and must not call {@link #close()}.
 *
 * <p>Providers stay registered across ZooKeeper session losses: Curator registers them again on
 * reconnection, and a periodic check registers again any instance whose node is missing or belongs
 * to another session.
 *
 * <p>ZooKeeper being down does not stop a registry with a configured connect string: {@link #start}
 * waits for it at most the connect timeout, says so in one log line and goes on while Curator keeps
 * trying in the background. Registrations made meanwhile are written once ZooKeeper answers, and
 * directories created meanwhile return at once with the providers last saved on local disk (see
 * {@link DiskCache}), until ZooKeeper's own list replaces them. See {@code OfflineStartTest}.
 *
 * <p>Failures to reach ZooKeeper are reported as {@link RpcException}s that name the connect
 * string. While ZooKeeper is unreachable, {@link #listAll} may block for a few connect timeouts
 * before failing; {@link #register} does not wait for ZooKeeper, and {@link #directory} waits for a
 * first load at most one connect timeout per outage; reading an existing directory never blocks.
 */
public final class Registry implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(Registry.class);

  /** Where zero-config looks for, and if need be starts, a ZooKeeper. */
  static final InetSocketAddress ZERO_CONFIG_ADDRESS =
      new InetSocketAddress(InetAddresses.forString("127.0.0.1"), 2181);

  static final Duration DEFAULT_VERIFY_INTERVAL = Duration.ofSeconds(30);

  /** How often to look again for directories' initial loads while one is pending. */
  private static final Duration CATCH_UP_INTERVAL = Duration.ofMillis(100);

  private static final Duration MIN_CONNECT_TIME = Duration.ofSeconds(2);
  private static final Duration THREADS_EXIT_TIMEOUT = Duration.ofSeconds(10);

  private final RegistryConfig config;
  private final OwnedThreads threads;
  private final boolean requireConnection;
  private final Set<InstanceRegistration> registrations = ConcurrentHashMap.newKeySet();
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

  // Set once by open(), on the start thread, before the registry is published; may stay null if
  // open() failed part way, which close() tolerates.
  private String connectString;
  private DiskCache disk;
  private EmbeddedZooKeeper embedded;
  private ExecutorService curatorSafeRunner;
  private ExecutorService events;
  private ScheduledExecutorService maintenance;
  private CuratorFramework client;
  private ServiceDiscovery<Map<String, String>> discovery;

  private Registry(RegistryConfig config, OwnedThreads threads, boolean requireConnection) {
    this.config = config;
    this.threads = threads;
    this.requireConnection = requireConnection;
  }

  /**
   * Connects to ZooKeeper as {@code config} says, starting an embedded ZooKeeper first in
   * zero-config if none answers on 127.0.0.1:2181. Blocks until connected, for at most about the
   * configured connect timeout. With a configured connect string, a ZooKeeper that does not answer
   * in that time does not fail the start: the registry logs one warning line, naming the connect
   * string and the providers saved on disk that it will use, and connects when ZooKeeper answers.
   *
   * @throws RpcException naming the connect string if, in zero-config, ZooKeeper could not be
   *     reached or started in time; no thread is left behind then
   */
  public static Registry start(RegistryConfig config) {
    return start(config, ZERO_CONFIG_ADDRESS, DEFAULT_VERIFY_INTERVAL, false);
  }

  /**
   * {@link #start(RegistryConfig)} for tools that read ZooKeeper now and have no use for a registry
   * without it: fails if ZooKeeper does not answer within the connect timeout.
   *
   * @throws RpcException naming the connect string if ZooKeeper could not be reached (or, in
   *     zero-config, started) in time; no thread is left behind then
   */
  public static Registry connect(RegistryConfig config) {
    return start(config, ZERO_CONFIG_ADDRESS, DEFAULT_VERIFY_INTERVAL, true);
  }

  /**
   * {@link #start(RegistryConfig)} with the zero-config address and the registration check's
   * interval chosen by the caller (tests).
   */
  static Registry start(
      RegistryConfig config, InetSocketAddress zeroConfigAddress, Duration verifyInterval) {
    return start(config, zeroConfigAddress, verifyInterval, false);
  }

  private static Registry start(
      RegistryConfig config,
      InetSocketAddress zeroConfigAddress,
      Duration verifyInterval,
      boolean requireConnection) {
    requireNonNull(config, "config");
    requireNonNull(zeroConfigAddress, "zeroConfigAddress");
    requireNonNull(verifyInterval, "verifyInterval");
    String target = config.isZeroConfig() ? hostAndPort(zeroConfigAddress) : config.connectString();
    OwnedThreads threads = new OwnedThreads("farcall-registry");
    Registry registry = new Registry(config, threads, requireConnection);
    try {
      // Built on a thread of the registry's own group: see OwnedThreads.
      threads.callInside("start", () -> registry.open(zeroConfigAddress, verifyInterval));
      return registry;
    } catch (Exception e) {
      registry.close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (e instanceof RpcException rpcException) {
        throw rpcException;
      }
      throw new RpcException("Could not connect to ZooKeeper at " + target + ": " + e, e);
    }
  }

  private Void open(InetSocketAddress zeroConfigAddress, Duration verifyInterval) throws Exception {
    long deadline = System.nanoTime() + config.connectTimeout().toNanos();
    connectString = config.connectString();
    if (connectString == null) {
      connectString = hostAndPort(zeroConfigAddress);
      embedded = EmbeddedZooKeeper.startUnlessAnswering(zeroConfigAddress, remaining(deadline));
      if (embedded != null) {
        LOG.info(
            "No ZooKeeper at {}; started an embedded one there for this machine's Farcall JVMs",
            connectString);
      }
      // A start that lost a race for the port used up our time: give the connection a moment.
      deadline = Math.max(deadline, System.nanoTime() + MIN_CONNECT_TIME.toNanos());
    }

    disk = DiskCache.open(connectString, config.basePath(), config.cacheDirectory());
    curatorSafeRunner = Executors.newSingleThreadExecutor(threads.named("curator-safe"));
    events = Executors.newSingleThreadExecutor(threads.named("events"));
    maintenance = Executors.newSingleThreadScheduledExecutor(threads.named("maintenance"));
    int connectMillis = (int) config.connectTimeout().toMillis();
    // Curator warns when the connection timeout exceeds the session's, and rightly so.
    int connectionTimeoutMillis = Math.min(connectMillis, (int) config.sessionTimeout().toMillis());
    ZKClientConfig zooKeeperConfig = new ZKClientConfig();
    // ZooKeeper otherwise waits for a reply forever, close()'s included: a peer that accepts the
    // TCP connection but never answers would hold close() for most of a session timeout.
    zooKeeperConfig.setProperty(
        ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT, Integer.toString(connectionTimeoutMillis));
    client =
        CuratorFrameworkFactory.builder()
            .zkClientConfig(zooKeeperConfig)
            .connectString(connectString)
            .sessionTimeoutMs((int) config.sessionTimeout().toMillis())
            .connectionTimeoutMs(connectionTimeoutMillis)
            // Few retries: each one may wait a whole connection timeout for ZooKeeper to answer.
            .retryPolicy(new BoundedExponentialBackoffRetry(100, 1000, 2))
            // The configured connect string stays authoritative; we do not follow reconfigs.
            .ensembleTracker(false)
            // Curator 5.9 never shuts down the executor it makes for this (GH-1277); ours we do.
            .runSafeService(curatorSafeRunner)
            // Makes close() wait for the ZooKeeper client's send and event threads to end.
            .waitForShutdownTimeoutMs(connectMillis)
            .build();
    client.start();
    boolean connected =
        client.blockUntilConnected((int) remaining(deadline).toMillis(), TimeUnit.MILLISECONDS);
    // Zero-config keeps failing: it either started the server itself or found something answering
    // on the port, and a local server that then does not talk ZooKeeper is a misconfiguration to
    // report, not an outage to ride out.
    if (!connected && (requireConnection || config.isZeroConfig())) {
      throw new RpcException(
          "Could not connect to ZooKeeper at "
              + connectString
              + " within "
              + config.connectTimeout().toMillis()
              + " ms");
    }

    @SuppressWarnings("unchecked")
    Class<Map<String, String>> payloadType = (Class<Map<String, String>>) (Class<?>) Map.class;
    discovery =
        ServiceDiscoveryBuilder.builder(payloadType)
            .client(client)
            .basePath(config.basePath())
            .serializer(new SafeJsonInstanceSerializer())
            .watchInstances(false)
            .build();
    // With no instance registered yet this asks ZooKeeper nothing, so it works while disconnected.
    discovery.start();

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
    long verifyMillis = verifyInterval.toMillis();
    maintenance.scheduleWithFixedDelay(
        this::maintain, verifyMillis, verifyMillis, TimeUnit.MILLISECONDS);
    if (connected) {
      LOG.debug("Connected to ZooKeeper at {}, base path {}", connectString, config.basePath());
    } else {
      logStartedWithoutZooKeeper();
      // In case it connected before the listener above was added.
      scheduleCatchUp(Duration.ZERO);
    }
    return null;
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
          config.connectTimeout().toMillis(),
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
        config.connectTimeout().toMillis(),
        disk.directory(),
        services);
  }

  /** The ZooKeeper connect string in use (in zero-config, {@code 127.0.0.1:2181}). */
  public String connectString() {
    return connectString;
  }

  /** The ZNode under which services are registered. */
  public String basePath() {
    return config.basePath();
  }

  /**
   * Registers one provider instance of {@code service} listening on {@code host:port}, as an
   * ephemeral node with a fresh instance id. While ZooKeeper is unreachable it returns at once and
   * the node is written when ZooKeeper answers; the instance is in this registry's directories at
   * once either way.
   *
   * @param metadata string pairs stored with the instance (the payload); may be empty
   * @throws RpcException naming the service, address and connect string if ZooKeeper answered but
   *     refused the registration
   * @throws IllegalStateException if the registry is closed
   */
  public Registration register(
      String service, String host, int port, Map<String, String> metadata) {
    checkOpen();
    checkServiceName(service);
    requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, was " + port);
    }
    // A JDK map, so that stock Curator readers, which load the class named in "@class", can.
    Map<String, String> payload = new LinkedHashMap<>();
    requireNonNull(metadata, "metadata")
        .forEach((key, value) -> payload.put(requireNonNull(key), requireNonNull(value)));
    ServiceInstance<Map<String, String>> instance =
        new ServiceInstance<>(
            service,
            UUID.randomUUID().toString(),
            host,
            port,
            null,
            payload,
            System.currentTimeMillis(),
            ServiceType.DYNAMIC,
            null,
            true);
    InstanceRegistration registration = new InstanceRegistration(instance);
    // Added first, so that a catch-up after a connection that comes now sees it.
    registrations.add(registration);
    if (!connected()) {
      LOG.debug(
          "ZooKeeper at {} unreachable; {} at {}:{} will be registered when it answers",
          connectString,
          service,
          host,
          port);
    } else {
      try {
        registration.submit();
      } catch (Exception e) {
        if (isConnectionProblem(e)) {
          LOG.warn(
              "Could not register {} at {}:{} in ZooKeeper at {} yet ({}); it will be registered"
                  + " when ZooKeeper answers again",
              service,
              host,
              port,
              connectString,
              e.toString());
        } else {
          registration.close();
          if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
          }
          throw new RpcException(
              "Could not register "
                  + service
                  + " at "
                  + host
                  + ":"
                  + port
                  + " in ZooKeeper at "
                  + connectString
                  + ": "
                  + e,
              e);
        }
      }
    }
    CachedDirectory directory = directories.get(service);
    if (directory != null) {
      directory.addLocal(registration.endpoint());
    }
    return registration;
  }

  /**
   * The directory of {@code service}, one per service and registry. The first call for a service
   * starts its watch and waits, at most the connect timeout, for the initial load; later calls
   * return the same directory at once. While ZooKeeper is unreachable (or once a wait for a load
   * ran out, until ZooKeeper answers again) it does not wait: the directory serves the providers
   * last saved on disk for the service, if any, until ZooKeeper's own list replaces them; the first
   * time this happens to a registry, it logs one line saying so.
   *
   * @throws RpcException if ZooKeeper answered but refused to let the service be watched
   * @throws IllegalStateException if the registry is closed
   */
  public ServiceDirectory directory(String service) {
    checkOpen();
    checkServiceName(service);
    CachedDirectory directory = directories.computeIfAbsent(service, this::newDirectory);
    if (directory.live()) {
      return directory;
    }
    if (connected() && !loadsStalled.get()) {
      try {
        directory.startWatch();
        if (!directory.awaitInitialLoad(config.connectTimeout())) {
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

  private CachedDirectory newDirectory(String service) {
    CachedDirectory directory =
        new CachedDirectory(service, () -> newServiceCache(service), events, disk);
    for (InstanceRegistration r : registrations) {
      if (r.instance.getName().equals(service)) {
        directory.addLocal(r.endpoint());
      }
    }
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

  /**
   * Every service under the base path with its usable instances, read from ZooKeeper now (not
   * cached): for tools, not for the call path. Services are sorted by name, instances by id.
   *
   * @throws RpcException if ZooKeeper could not be read
   * @throws IllegalStateException if the registry is closed
   */
  public Map<String, List<Endpoint>> listAll() {
    Map<String, List<Endpoint>> all = new TreeMap<>();
    list()
        .forEach(
            (service, listed) -> all.put(service, listed.stream().map(Listing::endpoint).toList()));
    return Collections.unmodifiableMap(all);
  }

  /** One registered instance as tools see it: its endpoint and the string pairs stored with it. */
  public record Listing(Endpoint endpoint, Map<String, String> metadata) {}

  /**
   * As {@link #listAll}, with each instance's metadata.
   *
   * @throws RpcException if ZooKeeper could not be read
   * @throws IllegalStateException if the registry is closed
   */
  public Map<String, List<Listing>> list() {
    checkOpen();
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
          "Could not list the services under "
              + config.basePath()
              + " in ZooKeeper at "
              + connectString,
          e);
    }
    return Collections.unmodifiableMap(all);
  }

  /** Whether the Curator client is connected to ZooKeeper now. */
  boolean connected() {
    return client.getZookeeperClient().isConnected();
  }

  /** The Curator client, for tests that need to disturb its session. */
  CuratorFramework curator() {
    return client;
  }

  /** Whether this registry started, and so owns, the embedded ZooKeeper it uses. */
  boolean ownsEmbeddedZooKeeper() {
    return embedded != null;
  }

  /**
   * Deregisters every registration, stops every directory, closes the Curator client and stops the
   * embedded ZooKeeper if this registry owns it; returns once all the registry's threads have ended
   * (after at most about ten seconds). Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (maintenance != null) {
      maintenance.shutdownNow();
    }
    // Deleting nodes while disconnected would block on retries; the session ends them anyway.
    boolean connected = client != null && client.getZookeeperClient().isConnected();
    for (InstanceRegistration registration : List.copyOf(registrations)) {
      registration.close(connected);
    }
    directories.values().forEach(CachedDirectory::close);
    directories.clear();
    if (discovery != null && connected) {
      closeQuietly(discovery);
    }
    if (client != null) {
      closeQuietly(client);
    }
    for (ExecutorService executor : new ExecutorService[] {events, curatorSafeRunner}) {
      if (executor != null) {
        executor.shutdownNow();
      }
    }
    if (embedded != null) {
      embedded.stop();
    }
    try {
      List<String> survivors = threads.awaitTermination(THREADS_EXIT_TIMEOUT);
      if (!survivors.isEmpty()) {
        LOG.warn("Threads of the registry still running after close: {}", survivors);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (embedded != null) {
      embedded.deleteData();
      LOG.info("Stopped the embedded ZooKeeper at {}", connectString);
    }
  }

  /** The periodic round: catch up, then check every registration's node. */
  private void maintain() {
    catchUp();
    verifyRegistrations();
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
   * (re)connection, then every {@link #CATCH_UP_INTERVAL} while a load is pending.
   */
  private void catchUp() {
    if (closed.get() || !connected()) {
      return;
    }
    try {
      for (InstanceRegistration registration : registrations) {
        try {
          registration.submit();
        } catch (InterruptedException e) {
          throw e;
        } catch (Exception e) {
          if (isConnectionProblem(e)) {
            throw e; // the next (re)connection tries again; Curator's discovery knows it now
          }
          LOG.warn("Could not register {} in ZooKeeper at {}: {}", registration, connectString, e);
        }
      }
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

  private void verifyRegistrations() {
    try {
      if (closed.get() || registrations.isEmpty() || !connected()) {
        return;
      }
      long session = client.getZookeeperClient().getZooKeeper().getSessionId();
      for (InstanceRegistration registration : registrations) {
        registration.verify(session);
      }
    } catch (Exception e) {
      // The next round tries again; a reconnection also registers everything again.
      LOG.debug("Could not verify the registrations in ZooKeeper at {}", connectString, e);
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("The registry is closed");
    }
  }

  private void checkServiceName(String service) {
    requireNonNull(service, "service");
    if (service.isEmpty() || service.contains("/")) {
      throw new IllegalArgumentException("Not a valid service name: '" + service + "'");
    }
    PathUtils.validatePath(ZKPaths.makePath(config.basePath(), service));
  }

  /** Whether {@code e} says only that ZooKeeper could not be reached, not that it refused. */
  private static boolean isConnectionProblem(Exception e) {
    return e instanceof KeeperException keeperException
        && switch (keeperException.code()) {
          case CONNECTIONLOSS, SESSIONEXPIRED, SESSIONMOVED, OPERATIONTIMEOUT, REQUESTTIMEOUT ->
              true;
          default -> false;
        };
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.debug("Closing {} failed", closeable, e);
    }
  }

  private static String hostAndPort(InetSocketAddress address) {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }

  private static Duration remaining(long deadlineNanos) {
    return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }

  /** One registered instance; its lock orders the periodic check against close(). */
  private final class InstanceRegistration implements Registration {
    private final ServiceInstance<Map<String, String>> instance;
    private final Endpoint endpoint;
    private final String path;

    // Guarded by this.
    private boolean closed;

    /**
     * Whether Curator's discovery knows the instance, and so registers it again after every
     * reconnection: from the first attempt to register it, even a failed one.
     */
    private boolean submitted;

    InstanceRegistration(ServiceInstance<Map<String, String>> instance) {
      this.instance = instance;
      this.endpoint = CachedDirectory.toEndpoint(instance);
      this.path = ZKPaths.makePath(config.basePath(), instance.getName(), instance.getId());
    }

    @Override
    public Endpoint endpoint() {
      return endpoint;
    }

    /**
     * Hands the instance to Curator's discovery and registers it, unless done already; holds the
     * lock so that the periodic check waits for it.
     */
    synchronized void submit() throws Exception {
      if (closed || submitted) {
        return;
      }
      submitted = true;
      discovery.registerService(instance);
      LOG.debug(
          "Registered {} at {} as {}", instance.getName(), endpoint.address(), instance.getId());
    }

    @Override
    public void close() {
      close(true);
    }

    synchronized void close(boolean deregister) {
      if (closed) {
        return;
      }
      closed = true;
      registrations.remove(this);
      CachedDirectory directory = directories.get(instance.getName());
      if (directory != null) {
        directory.removeLocal(endpoint);
      }
      if (!deregister || !submitted) {
        return;
      }
      try {
        discovery.unregisterService(instance);
        LOG.debug("Deregistered {} instance {}", instance.getName(), instance.getId());
      } catch (Exception e) {
        LOG.warn(
            "Could not deregister {} instance {} from ZooKeeper at {}; it goes when the session"
                + " ends",
            instance.getName(),
            instance.getId(),
            connectString,
            e);
      }
    }

    /**
     * Registers the instance again if its node is missing or not owned by {@code session}, or for
     * the first time if it never was.
     */
    synchronized void verify(long session) throws Exception {
      if (closed) {
        return;
      }
      if (!submitted) {
        submit();
        return;
      }
      Stat stat = client.checkExists().forPath(path);
      if (stat != null && stat.getEphemeralOwner() == session) {
        return;
      }
      LOG.warn(
          "The node of {} instance {} was {}; registering it again",
          instance.getName(),
          instance.getId(),
          stat == null ? "missing" : "owned by another session");
      discovery.registerService(instance);
    }

    @Override
    public String toString() {
      return instance.getName() + " " + endpoint;
    }
  }
}
