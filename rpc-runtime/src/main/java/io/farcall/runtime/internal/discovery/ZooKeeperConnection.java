package io.farcall.runtime.internal.discovery;

import io.farcall.RpcException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * A registry's link to ZooKeeper: the one Curator client and the Curator service discovery built on
 * it, which the {@link Registrar}, the {@link ServiceDirectories} and the {@link ServiceLister}
 * share, and, in zero-config when no ZooKeeper answered on the zero-config address, the embedded
 * ZooKeeper started there. It owns every thread of the registry ({@link OwnedThreads}): those
 * Curator and ZooKeeper start, and the two executors it hands the other roles, {@link #events()}
 * (directory notifications) and {@link #maintenance()} (the registry's background rounds).
 *
 * <p>Threading: {@link #open} runs once, on a thread started by {@link #callInside}, before the
 * registry is published; the accessors may then be called from any thread. {@link #stopMaintenance}
 * and {@link #close} run once each, in that order, on the thread closing the registry, and tolerate
 * an {@link #open} that failed part way.
 */
final class ZooKeeperConnection {
  // Logs as Registry: operators' log settings, and tests such as ZeroConfigTest, name that logger.
  private static final Logger LOG = LogManager.getLogger(Registry.class);

  private static final Duration MIN_CONNECT_TIME = Duration.ofSeconds(2);
  private static final Duration THREADS_EXIT_TIMEOUT = Duration.ofSeconds(10);

  private final RegistryConfig config;
  private final InetSocketAddress zeroConfigAddress;
  private final String connectString;
  private final OwnedThreads threads = new OwnedThreads("farcall-registry");

  // Set once by open(), on the start thread, before the registry is published; may stay null if
  // open() failed part way, which close() tolerates.
  private EmbeddedZooKeeper embedded;
  private ExecutorService curatorSafeRunner;
  private ExecutorService events;
  private ScheduledExecutorService maintenance;
  private CuratorFramework client;
  private ServiceDiscovery<Map<String, String>> discovery;

  /**
   * A connection, not open yet, to the ZooKeeper {@code config} names or, in zero-config, to the
   * one at {@code zeroConfigAddress}.
   */
  ZooKeeperConnection(RegistryConfig config, InetSocketAddress zeroConfigAddress) {
    this.config = config;
    this.zeroConfigAddress = zeroConfigAddress;
    this.connectString =
        config.isZeroConfig() ? hostAndPort(zeroConfigAddress) : config.connectString();
  }

  /**
   * Runs {@code task} on a new thread of the registry's thread group, so that whatever it starts
   * belongs to the registry: see {@link OwnedThreads#callInside}.
   */
  <T> T callInside(String role, Callable<T> task) throws Exception {
    return threads.callInside(role, task);
  }

  /**
   * Starts the embedded ZooKeeper if zero-config finds none answering, then the Curator client and
   * its service discovery, and waits for the connection at most about the connect timeout. Call
   * once, through {@link #callInside}.
   *
   * @return whether connected to ZooKeeper
   * @throws RpcException naming the connect string if not connected in time while {@code
   *     requireConnection} or in zero-config
   */
  boolean open(boolean requireConnection) throws Exception {
    long deadline = System.nanoTime() + config.connectTimeout().toNanos();
    if (config.isZeroConfig()) {
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
    maintenance = Executors.newSingleThreadScheduledExecutor(threads.named("maintenance"));
    int connectMillis = (int) config.connectTimeout().toMillis();
    // Curator warns when the connection timeout exceeds the session's, and rightly so.
    int connectionTimeoutMillis = Math.min(connectMillis, (int) config.sessionTimeout().toMillis());
    ZKClientConfig zooKeeperConfig = new ZKClientConfig();
    // ZooKeeper otherwise waits for a reply forever, close()'s included: a peer that accepts the
    // TCP connection but never answers would hold close() for most of a session timeout.
    zooKeeperConfig.setProperty(
        ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT, Integer.toString(connectionTimeoutMillis));
    CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder();
    RegistrySecurity security = config.security();
    if (security.tls() != null) {
      secure(zooKeeperConfig, security.tls());
    }
    if (security.digest() != null) {
      builder.authorization("digest", security.digest().getBytes(StandardCharsets.UTF_8));
    }
    if (security.acls()) {
      builder.aclProvider(new RegistryAcls());
    }
    client =
        builder
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
    if (connected) {
      LOG.debug("Connected to ZooKeeper at {}, base path {}", connectString, config.basePath());
    }
    return connected;
  }

  /**
   * Makes the ZooKeeper client speak TLS, with its own settings: its Netty socket (by the class's
   * name, whatever shading made of it) and PEM files for its key and trusted authorities.
   */
  private static void secure(ZKClientConfig zk, RegistrySecurity.Tls tls) {
    zk.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
    zk.setProperty(
        ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET,
        org.apache.zookeeper.ClientCnxnSocketNetty.class.getName());
    try (org.apache.zookeeper.common.ClientX509Util x509 =
        new org.apache.zookeeper.common.ClientX509Util()) {
      if (tls.keyStore() != null) {
        zk.setProperty(x509.getSslKeystoreLocationProperty(), tls.keyStore().toString());
        zk.setProperty(x509.getSslKeystoreTypeProperty(), "PEM");
      }
      if (tls.trusted() != null) {
        zk.setProperty(x509.getSslTruststoreLocationProperty(), tls.trusted().toString());
        zk.setProperty(x509.getSslTruststoreTypeProperty(), "PEM");
      }
    }
  }

  /** The ZooKeeper connect string in use (in zero-config, {@code 127.0.0.1:2181}). */
  String connectString() {
    return connectString;
  }

  /** The Curator client. */
  CuratorFramework curator() {
    return client;
  }

  /** Curator's service discovery, on {@link #curator()} under the configured base path. */
  ServiceDiscovery<Map<String, String>> discovery() {
    return discovery;
  }

  /** The one thread on which directories tell their listeners of changes. */
  ExecutorService events() {
    return events;
  }

  /** The one thread of the registry's background rounds (catch-up, registration checks). */
  ScheduledExecutorService maintenance() {
    return maintenance;
  }

  /** Whether the Curator client is connected to ZooKeeper now (false if it was never built). */
  boolean connected() {
    return client != null && client.getZookeeperClient().isConnected();
  }

  /** Whether this connection started, and so owns, the embedded ZooKeeper it uses. */
  boolean ownsEmbeddedZooKeeper() {
    return embedded != null;
  }

  /**
   * Cancels the background rounds and interrupts the one running, if any: the first step of closing
   * the registry, so that no round runs while the other roles close.
   */
  void stopMaintenance() {
    if (maintenance != null) {
      maintenance.shutdownNow();
    }
  }

  /**
   * Closes the service discovery (only if {@code connected}), the Curator client and the executors,
   * stops the embedded ZooKeeper if this connection owns it, and returns once all the registry's
   * threads have ended (after at most about ten seconds). Call once, after the registrations and
   * directories are closed.
   */
  void close(boolean connected) {
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

  /** Whether {@code e} says only that ZooKeeper could not be reached, not that it refused. */
  static boolean isConnectionProblem(Exception e) {
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
}
