package io.farcall.runtime.internal.discovery;

import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import io.farcall.RpcException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * <p>Failures to reach ZooKeeper are reported as {@link RpcException}s that name the connect
 * string. While ZooKeeper is unreachable, {@link #register}, the first {@link #directory} of a
 * service and {@link #listAll} may block for a few connect timeouts before failing; reading an
 * existing directory never blocks.
 */
public final class Registry implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(Registry.class);

  /** Where zero-config looks for, and if need be starts, a ZooKeeper. */
  static final InetSocketAddress ZERO_CONFIG_ADDRESS =
      new InetSocketAddress(InetAddresses.forString("127.0.0.1"), 2181);

  static final Duration DEFAULT_VERIFY_INTERVAL = Duration.ofSeconds(30);
  private static final Duration MIN_CONNECT_TIME = Duration.ofSeconds(2);
  private static final Duration THREADS_EXIT_TIMEOUT = Duration.ofSeconds(10);

  private final RegistryConfig config;
  private final OwnedThreads threads;
  private final Set<InstanceRegistration> registrations = ConcurrentHashMap.newKeySet();
  private final Map<String, CachedDirectory> directories = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  // Set once by open(), on the start thread, before the registry is published; may stay null if
  // open() failed part way, which close() tolerates.
  private String connectString;
  private EmbeddedZooKeeper embedded;
  private ExecutorService curatorSafeRunner;
  private ExecutorService events;
  private ScheduledExecutorService verifier;
  private CuratorFramework client;
  private ServiceDiscovery<Map<String, String>> discovery;

  private Registry(RegistryConfig config, OwnedThreads threads) {
    this.config = config;
    this.threads = threads;
  }

  /**
   * Connects to ZooKeeper as {@code config} says, starting an embedded ZooKeeper first in
   * zero-config if none answers on 127.0.0.1:2181. Blocks until connected, for at most about the
   * configured connect timeout.
   *
   * @throws RpcException naming the connect string if ZooKeeper could not be reached (or, in
   *     zero-config, started) in time; no thread is left behind then
   */
  public static Registry start(RegistryConfig config) {
    return start(config, ZERO_CONFIG_ADDRESS, DEFAULT_VERIFY_INTERVAL);
  }

  /**
   * {@link #start(RegistryConfig)} with the zero-config address and the registration check's
   * interval chosen by the caller (tests).
   */
  static Registry start(
      RegistryConfig config, InetSocketAddress zeroConfigAddress, Duration verifyInterval) {
    requireNonNull(config, "config");
    requireNonNull(zeroConfigAddress, "zeroConfigAddress");
    requireNonNull(verifyInterval, "verifyInterval");
    String target = config.isZeroConfig() ? hostAndPort(zeroConfigAddress) : config.connectString();
    OwnedThreads threads = new OwnedThreads("farcall-registry");
    Registry registry = new Registry(config, threads);
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

    curatorSafeRunner = Executors.newSingleThreadExecutor(threads.named("curator-safe"));
    events = Executors.newSingleThreadExecutor(threads.named("events"));
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
    if (!client.blockUntilConnected((int) remaining(deadline).toMillis(), TimeUnit.MILLISECONDS)) {
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
    discovery.start();

    verifier = Executors.newSingleThreadScheduledExecutor(threads.named("verify"));
    long verifyMillis = verifyInterval.toMillis();
    verifier.scheduleWithFixedDelay(
        this::verifyRegistrations, verifyMillis, verifyMillis, TimeUnit.MILLISECONDS);
    LOG.debug("Connected to ZooKeeper at {}, base path {}", connectString, config.basePath());
    return null;
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
   * ephemeral node with a fresh instance id.
   *
   * @param metadata string pairs stored with the instance (the payload); may be empty
   * @throws RpcException naming the service, address and connect string if ZooKeeper refused or
   *     could not be reached
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
    try {
      registration.register();
    } catch (Exception e) {
      registration.close();
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
    LOG.debug("Registered {} at {}:{} as {}", service, host, port, instance.getId());
    CachedDirectory directory = directories.get(service);
    if (directory != null) {
      directory.addLocal(registration.endpoint());
    }
    return registration;
  }

  /**
   * The directory of {@code service}, one per service and registry. The first call for a service
   * starts its watch and waits, at most the connect timeout, for the initial load; later calls
   * return the same directory at once.
   *
   * @throws RpcException if ZooKeeper could not be reached to start watching
   * @throws IllegalStateException if the registry is closed
   */
  public ServiceDirectory directory(String service) {
    checkOpen();
    checkServiceName(service);
    CachedDirectory directory = directories.computeIfAbsent(service, this::newDirectory);
    try {
      if (!directory.awaitInitialLoad(config.connectTimeout())) {
        LOG.warn(
            "The providers of {} were not loaded from ZooKeeper at {} within {} ms; they will"
                + " appear when ZooKeeper answers",
            service,
            connectString,
            config.connectTimeout().toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return directory;
  }

  @SuppressWarnings("deprecation") // threadFactory(null): see below
  private CachedDirectory newDirectory(String service) {
    ServiceCache<Map<String, String>> cache =
        discovery
            .serviceCacheBuilder()
            .name(service)
            // With a ZooKeeper client that has persistent watches (3.6+), Curator's cache runs on
            // ZooKeeper's event thread and uses no executor; by default the builder would still
            // make one (which nobody shuts down, CURATOR-557) and Curator would warn about it.
            .threadFactory(null)
            .build();
    CachedDirectory directory = new CachedDirectory(service, cache, events);
    for (InstanceRegistration r : registrations) {
      if (r.instance.getName().equals(service)) {
        directory.addLocal(r.endpoint());
      }
    }
    try {
      directory.start();
    } catch (Exception e) {
      directory.close();
      throw new RpcException(
          "Could not watch the providers of " + service + " in ZooKeeper at " + connectString, e);
    }
    return directory;
  }

  /**
   * Every service under the base path with its usable instances, read from ZooKeeper now (not
   * cached): for tools, not for the call path. Services are sorted by name, instances by id.
   *
   * @throws RpcException if ZooKeeper could not be read
   * @throws IllegalStateException if the registry is closed
   */
  public Map<String, List<Endpoint>> listAll() {
    checkOpen();
    Map<String, List<Endpoint>> all = new TreeMap<>();
    try {
      for (String service : discovery.queryForNames()) {
        all.put(
            service,
            discovery.queryForInstances(service).stream()
                .filter(SafeJsonInstanceSerializer::isUsable)
                .map(CachedDirectory::toEndpoint)
                .sorted(Comparator.comparing(Endpoint::id))
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
    if (verifier != null) {
      verifier.shutdownNow();
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

  private void verifyRegistrations() {
    try {
      if (closed.get() || registrations.isEmpty() || !client.getZookeeperClient().isConnected()) {
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
    private boolean closed;

    InstanceRegistration(ServiceInstance<Map<String, String>> instance) {
      this.instance = instance;
      this.endpoint = CachedDirectory.toEndpoint(instance);
      this.path = ZKPaths.makePath(config.basePath(), instance.getName(), instance.getId());
    }

    @Override
    public Endpoint endpoint() {
      return endpoint;
    }

    /** The first registration; holds the lock so that the periodic check waits for it. */
    synchronized void register() throws Exception {
      registrations.add(this);
      discovery.registerService(instance);
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
      if (!deregister) {
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

    /** Registers the instance again if its node is missing or not owned by {@code session}. */
    synchronized void verify(long session) throws Exception {
      if (closed) {
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
