package io.farcall.runtime.internal.discovery;

import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import io.farcall.RpcException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.common.PathUtils;

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
 *
 * <p>This class wires four roles that share the one Curator client: the {@link ZooKeeperConnection}
 * (the client, the embedded ZooKeeper and the registry's threads), the {@link Registrar}
 * (registrations), the {@link ServiceDirectories} (directories, their disk fallback and the
 * catch-up after reconnections) and the {@link ServiceLister} (listing for tools). It adds the
 * checks of its arguments, the periodic round and what ties registrations to directories: this
 * registry's own instances are in its directories from registration to deregistration.
 */
public final class Registry implements AutoCloseable {

  /** Where zero-config looks for, and if need be starts, a ZooKeeper. */
  static final InetSocketAddress ZERO_CONFIG_ADDRESS =
      new InetSocketAddress(InetAddresses.forString("127.0.0.1"), 2181);

  static final Duration DEFAULT_VERIFY_INTERVAL = Duration.ofSeconds(30);

  private final RegistryConfig config;
  private final ZooKeeperConnection connection;
  private final boolean requireConnection;
  private final AtomicBoolean closed = new AtomicBoolean();

  // Set once by open(), on the start thread, before the registry is published; may stay null if
  // open() failed part way, which close() tolerates.
  private Registrar registrar;
  private ServiceDirectories directories;
  private ServiceLister lister;

  private Registry(
      RegistryConfig config, ZooKeeperConnection connection, boolean requireConnection) {
    this.config = config;
    this.connection = connection;
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
    ZooKeeperConnection connection = new ZooKeeperConnection(config, zeroConfigAddress);
    Registry registry = new Registry(config, connection, requireConnection);
    try {
      // Built on a thread of the registry's own group: see OwnedThreads.
      connection.callInside("start", () -> registry.open(verifyInterval));
      return registry;
    } catch (Exception e) {
      registry.close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (e instanceof RpcException rpcException) {
        throw rpcException;
      }
      throw new RpcException(
          "Could not connect to ZooKeeper at " + connection.connectString() + ": " + e, e);
    }
  }

  private Void open(Duration verifyInterval) throws Exception {
    String connectString = connection.connectString();
    DiskCache disk = DiskCache.open(connectString, config.basePath(), config.cacheDirectory());
    boolean connected = connection.open(requireConnection);
    CuratorFramework client = connection.curator();
    registrar =
        new Registrar(
            config.basePath(),
            connectString,
            client,
            connection.discovery(),
            config.security().acls());
    directories =
        new ServiceDirectories(
            config.connectTimeout(),
            connectString,
            client,
            connection.discovery(),
            connection.events(),
            connection.maintenance(),
            disk,
            registrar);
    lister = new ServiceLister(config.basePath(), connectString, connection.discovery());
    directories.catchUpOnEveryConnection();
    long verifyMillis = verifyInterval.toMillis();
    connection
        .maintenance()
        .scheduleWithFixedDelay(this::maintain, verifyMillis, verifyMillis, TimeUnit.MILLISECONDS);
    if (!connected) {
      directories.startedWithoutZooKeeper();
    }
    return null;
  }

  /** The ZooKeeper connect string in use (in zero-config, {@code 127.0.0.1:2181}). */
  public String connectString() {
    return connection.connectString();
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
    Registration registration =
        registrar.register(
            service, host, port, metadata, endpoint -> directories.removeLocal(service, endpoint));
    directories.addLocal(service, registration.endpoint());
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
    return directories.directory(service);
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
    return lister.listAll();
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
    return lister.list();
  }

  /** Whether the Curator client is connected to ZooKeeper now. */
  public boolean connected() {
    return connection.connected();
  }

  /**
   * Runs {@code action} on each new ZooKeeper session this registry gets: the first, and each one
   * after an expiry (on Curator's event thread; it must not block).
   */
  public void onNewSession(Runnable action) {
    CuratorFramework client = connection.curator();
    AtomicLong last = new AtomicLong();
    Runnable check =
        () -> {
          try {
            long id = client.getZookeeperClient().getZooKeeper().getSessionId();
            if (id != 0 && last.getAndSet(id) != id) {
              action.run();
            }
          } catch (Exception e) {
            // Not connected after all: the next connection checks again.
          }
        };
    client
        .getConnectionStateListenable()
        .addListener(
            (c, state) -> {
              if (state.isConnected()) {
                check.run();
              }
            });
    if (connected()) { // connected before the listener was added
      check.run();
    }
  }

  /** The Curator client, for tests that need to disturb its session. */
  CuratorFramework curator() {
    return connection.curator();
  }

  /** Whether this registry started, and so owns, the embedded ZooKeeper it uses. */
  boolean ownsEmbeddedZooKeeper() {
    return connection.ownsEmbeddedZooKeeper();
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
    connection.stopMaintenance();
    // Deleting nodes while disconnected would block on retries; the session ends them anyway.
    boolean connected = connection.connected();
    if (registrar != null) {
      registrar.close(connected);
    }
    if (directories != null) {
      directories.close();
    }
    connection.close(connected);
  }

  /** The periodic round: catch up, then check every registration's node. */
  private void maintain() {
    directories.catchUp();
    registrar.verify();
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
}
