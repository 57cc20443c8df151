package io.farcall.runtime;

import static java.util.Objects.requireNonNull;
import static java.util.concurrent.CompletableFuture.completedFuture;

import io.farcall.ConnectionFailedException;
import io.farcall.RpcException;
import io.farcall.runtime.internal.discovery.ConnectString;
import io.farcall.runtime.internal.discovery.EmbeddedZooKeeper;
import io.farcall.runtime.internal.discovery.Endpoint;
import io.farcall.runtime.internal.discovery.Registry;
import io.farcall.runtime.internal.discovery.RegistryConfig;
import io.farcall.runtime.internal.transport.ClientTransport;
import io.farcall.runtime.internal.transport.Connection;
import io.farcall.runtime.internal.transport.ConnectionLimits;
import io.farcall.runtime.internal.transport.Tls;
import io.farcall.runtime.internal.transport.TransportConfig;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Looks at a Farcall deployment from outside: which services the registry holds and which providers
 * serve them ({@link #services()}), and whether those providers answer ({@link #ping}). For
 * operations tools such as the agent jar's command line; it registers nothing, serves nothing and
 * never starts a ZooKeeper of its own (see {@link #startZooKeeper} for that).
 *
 * <p>Thread-safe. {@link #close()} stops everything it started.
 */
public final class FarcallOps implements AutoCloseable {
  /** How long {@link #connect} waits for ZooKeeper unless told otherwise. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = RegistryConfig.DEFAULT_CONNECT_TIMEOUT;

  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
  private static final int MAX_FRAME_SIZE = 1 << 20;

  private final String registryAddress;
  private final String basePath;
  private final Registry registry;
  private final EventLoopGroup group;

  /**
   * The connections pings use, kept between rounds (a tool that pings every second reuses them).
   * Connecting waits at most the connect timeout; a round's own timeout bounds what it waits for.
   */
  private final ClientTransport transport;

  private FarcallOps(
      String registryAddress,
      String basePath,
      Registry registry,
      Duration connectTimeout,
      Tls tls) {
    this.registryAddress = registryAddress;
    this.basePath = basePath;
    this.registry = registry;
    this.group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("farcall-ops", true), NioIoHandler.newFactory());
    this.transport =
        new ClientTransport(
            group,
            new TransportConfig(
                MAX_FRAME_SIZE,
                connectTimeout,
                FarcallSettings.builder().settings().heartbeatInterval(),
                ConnectionLimits.DEFAULTS,
                tls),
            null);
  }

  /**
   * Connects to the ZooKeeper at {@code registry}. Fails fast, without waiting for ZooKeeper's own
   * time-outs, when no server of the connect string accepts a connection.
   *
   * @param registry a ZooKeeper connect string ({@code host:port[,host:port...][/chroot]}); unlike
   *     the runtime's zero-config, it is required and nothing is started when nobody answers there
   * @param basePath the path the services are registered under, e.g. {@code /farcall}
   * @param connectTimeout how long to wait for the ZooKeeper session
   * @throws RegistryUnavailableException if no ZooKeeper answered at {@code registry} in time
   * @throws IllegalArgumentException if an argument is malformed
   */
  public static FarcallOps connect(String registry, String basePath, Duration connectTimeout) {
    return connect(registry, basePath, connectTimeout, null);
  }

  /**
   * As {@link #connect(String, String, Duration)}, pinging providers that speak TLS with the TLS
   * settings of {@code tls} ({@code tlsca}, and {@code tlscert} and {@code tlskey} for providers
   * that ask for a client certificate); without them (null), such providers are pinged in plaintext
   * only if they accept it, and reported as speaking TLS only otherwise.
   *
   * @throws IllegalArgumentException naming the option whose file is missing or unusable
   */
  public static FarcallOps connect(
      String registry, String basePath, Duration connectTimeout, FarcallSettings tls) {
    requireNonNull(registry, "registry");
    Tls secure = tls == null ? null : Tls.start(tls.tls());
    if (registry.isBlank()) {
      throw new IllegalArgumentException("registry must not be blank");
    }
    RegistryConfig config =
        new RegistryConfig(
            registry.trim(), basePath, RegistryConfig.DEFAULT_SESSION_TIMEOUT, connectTimeout);
    List<InetSocketAddress> servers = ConnectString.parse(config.connectString()).servers();
    if (!servers.isEmpty() && servers.stream().noneMatch(FarcallOps::answers)) {
      throw new RegistryUnavailableException(
          config.connectString(), "nothing accepted a connection there", null);
    }
    Registry started;
    try {
      started = Registry.connect(config);
    } catch (RpcException e) {
      throw new RegistryUnavailableException(config.connectString(), e.getMessage(), e);
    }
    return new FarcallOps(
        config.connectString(), config.basePath(), started, connectTimeout, secure);
  }

  /** The ZooKeeper connect string this reads. */
  public String registry() {
    return registryAddress;
  }

  /** The path under which services are registered. */
  public String basePath() {
    return basePath;
  }

  /**
   * Every service under the base path with its usable providers, read from ZooKeeper now. A service
   * whose providers all went away stays listed, with none. Services are sorted by name, providers
   * by address, then by id.
   *
   * @throws RpcException if ZooKeeper could not be read
   */
  public Map<String, List<Provider>> services() {
    Map<String, List<Provider>> services = new LinkedHashMap<>();
    registry
        .list()
        .forEach(
            (service, listed) -> {
              List<Provider> providers = new ArrayList<>();
              for (Registry.Listing l : listed) {
                providers.add(Provider.of(service, l.endpoint(), l.metadata()));
              }
              providers.sort(Provider.ORDER);
              services.put(service, List.copyOf(providers));
            });
    return Collections.unmodifiableMap(services);
  }

  /**
   * Asks every provider in {@code providers}, all at once, whether it serves its service, with a
   * heartbeat that names the service (a provider answers it on its event loop, without running
   * application code). Each gets {@code timeout} to connect and answer; connections stay open for
   * the next round.
   *
   * @return one result per provider, in the given order
   */
  public List<PingResult> ping(Collection<Provider> providers, Duration timeout) {
    requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    List<CompletableFuture<PingResult>> pending = new ArrayList<>();
    for (Provider p : providers) {
      pending.add(ping(transport, p));
    }
    List<PingResult> results = new ArrayList<>();
    int i = 0;
    for (Provider p : providers) {
      results.add(await(pending.get(i++), p, deadline, timeout));
    }
    return List.copyOf(results);
  }

  private static CompletableFuture<PingResult> ping(ClientTransport transport, Provider p) {
    boolean secure = p.tls() != null && transport.tls() != null;
    if (!secure && Endpoint.TlsSupport.of(p.tls()) == Endpoint.TlsSupport.REQUIRED) {
      return completedFuture(
          PingResult.failed(
              p,
              Outcome.UNREACHABLE,
              "speaks TLS only: ping it with --tlsca (and --tlscert and --tlskey if it asks for a"
                  + " client certificate)"));
    }
    Connection c = transport.connection(p.host(), p.port(), secure);
    // The first exchange on a fresh connection mostly measures this JVM loading the classes of the
    // frame path; the second one measures the provider and the network.
    return c.probe(p.service())
        .thenCompose(first -> first.serves() ? c.probe(p.service()) : completedFuture(first))
        .handle(
            (reply, failure) -> {
              if (failure == null) {
                return PingResult.answered(p, reply);
              }
              Throwable cause =
                  failure instanceof CompletionException ce && ce.getCause() != null
                      ? ce.getCause()
                      : failure;
              return cause instanceof ConnectionFailedException cf && !cf.requestWritten()
                  ? PingResult.failed(p, Outcome.UNREACHABLE, describe(cause))
                  : PingResult.failed(p, Outcome.FAILED, describe(cause));
            });
  }

  private static PingResult await(
      CompletableFuture<PingResult> pending, Provider p, long deadline, Duration timeout) {
    try {
      return pending.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return PingResult.failed(
          p, Outcome.TIMED_OUT, "no answer within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      return PingResult.failed(p, Outcome.FAILED, describe(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return PingResult.failed(p, Outcome.FAILED, "interrupted");
    }
  }

  /** A short reason, as an operator wants to read it, for why a provider could not be asked. */
  static String describe(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectTimeoutException) {
        return "connect timed out";
      }
      if (t instanceof ConnectException) {
        String message = String.valueOf(t.getMessage());
        return message.toLowerCase(Locale.ROOT).contains("refused")
            ? "connection refused"
            : "cannot connect: " + message;
      }
      if (t instanceof ClosedChannelException) {
        return "connection closed";
      }
    }
    return String.valueOf(failure.getMessage());
  }

  /**
   * Starts a standalone ZooKeeper server in this JVM on {@code 127.0.0.1:port}, for development:
   * its data lives in a temporary directory deleted when it is closed. It runs on daemon threads.
   *
   * @throws IOException if the port is taken or the server did not start within {@code timeout}
   */
  public static LocalZooKeeper startZooKeeper(int port, Duration timeout) throws IOException {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, was " + port);
    }
    InetSocketAddress address =
        new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port);
    EmbeddedZooKeeper server = EmbeddedZooKeeper.tryStart(address, timeout);
    if (server == null) {
      throw new IOException(
          "port " + port + " on " + address.getAddress().getHostAddress() + " is already in use");
    }
    return new LocalZooKeeper(server);
  }

  /** Stops the event loop and closes the ZooKeeper session. Idempotent. */
  @Override
  public void close() {
    transport.close();
    registry.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  private static boolean answers(InetSocketAddress server) {
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(server.getHostString(), server.getPort()),
          (int) PROBE_TIMEOUT.toMillis());
      return true;
    } catch (IOException | IllegalArgumentException | SecurityException e) {
      return false;
    }
  }

  /**
   * One provider instance of one service, as the registry holds it.
   *
   * @param service the service name
   * @param id the instance id the provider registered with (Curator's), unique per service
   * @param host the address the provider advertised
   * @param port the port it listens on
   * @param registeredAt when it registered, or null if its registration does not say
   * @param contract the fingerprint of the provider's contract (its interface's methods and the
   *     shapes of the types they use, as its classes have them), or null if its registration does
   *     not say
   * @param contractText that contract as text, or null
   * @param adminPort the port of the provider's admin endpoint (metrics and health) at {@code
   *     host}, or -1 if it registered none
   * @param tls what its registration says of TLS: {@code required}, {@code optional}, or null for
   *     plaintext only
   */
  public record Provider(
      String service,
      String id,
      String host,
      int port,
      Instant registeredAt,
      String contract,
      String contractText,
      int adminPort,
      String tls) {
    static final Comparator<Provider> ORDER =
        Comparator.comparing(Provider::host)
            .thenComparingInt(Provider::port)
            .thenComparing(Provider::id);

    public Provider {
      requireNonNull(service, "service");
      requireNonNull(id, "id");
      requireNonNull(host, "host");
    }

    /** A provider whose registration states no contract and no admin endpoint. */
    public Provider(String service, String id, String host, int port, Instant registeredAt) {
      this(service, id, host, port, registeredAt, null, null);
    }

    /** A provider whose registration states no admin endpoint. */
    public Provider(
        String service,
        String id,
        String host,
        int port,
        Instant registeredAt,
        String contract,
        String contractText) {
      this(service, id, host, port, registeredAt, contract, contractText, -1, null);
    }

    static Provider of(String service, Endpoint e, Map<String, String> metadata) {
      return new Provider(
          service,
          e.id(),
          e.host(),
          e.port(),
          e.registeredAtMillis() > 0 ? Instant.ofEpochMilli(e.registeredAtMillis()) : null,
          metadata.get(Farcall.CONTRACT_KEY),
          metadata.get(Farcall.CONTRACT_TEXT_KEY),
          portOf(metadata.get(Farcall.ADMIN_PORT_KEY)),
          e.tls().text());
    }

    /** The admin port a registration states, or -1 if it states none (or nonsense). */
    private static int portOf(String value) {
      if (value == null) {
        return -1;
      }
      try {
        int port = Integer.parseInt(value);
        return port > 0 && port <= 65535 ? port : -1;
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    /** {@code host:port}. */
    public String address() {
      return host + ":" + port;
    }
  }

  /** How asking one provider went. */
  public enum Outcome {
    /** It answered and serves the service. */
    OK,
    /** It answered but does not serve the service (anymore). */
    NOT_SERVED,
    /** It answered that it is shutting down. */
    SHUTTING_DOWN,
    /** No connection could be made. */
    UNREACHABLE,
    /** It did not answer in time. */
    TIMED_OUT,
    /** The connection broke, or the answer made no sense. */
    FAILED
  }

  /**
   * The result of asking one provider.
   *
   * @param roundTrip from sending a heartbeat to its answer, on a connection that already carried
   *     one (so neither connecting nor this JVM's first use of the frame path is included), or null
   *     when no answer came
   * @param detail why it is not {@link Outcome#OK}, for people; empty when it is
   */
  public record PingResult(Provider provider, Outcome outcome, Duration roundTrip, String detail) {
    public PingResult {
      requireNonNull(provider, "provider");
      requireNonNull(outcome, "outcome");
      requireNonNull(detail, "detail");
    }

    public boolean ok() {
      return outcome == Outcome.OK;
    }

    static PingResult failed(Provider p, Outcome outcome, String detail) {
      return new PingResult(p, outcome, null, detail);
    }

    static PingResult answered(Provider p, Connection.ProbeReply reply) {
      Duration roundTrip = Duration.ofNanos(reply.roundTripNanos());
      if (!reply.service().equals(p.service())) {
        // A provider from before heartbeats named services echoes none: it cannot tell us.
        return new PingResult(
            p, Outcome.FAILED, roundTrip, "the provider does not answer health checks");
      }
      return switch (reply.status()) {
        case STATUS_OK -> new PingResult(p, Outcome.OK, roundTrip, "");
        case STATUS_NOT_FOUND ->
            new PingResult(
                p, Outcome.NOT_SERVED, roundTrip, "does not serve " + p.service() + " here");
        case STATUS_UNAVAILABLE ->
            new PingResult(p, Outcome.SHUTTING_DOWN, roundTrip, "shutting down");
        default ->
            new PingResult(p, Outcome.FAILED, roundTrip, reply.status() + " " + reply.message());
      };
    }
  }

  /** No ZooKeeper answered at the connect string. */
  public static final class RegistryUnavailableException extends RpcException {
    private static final long serialVersionUID = 1L;
    private final String registry;

    RegistryUnavailableException(String registry, String why, Throwable cause) {
      super("no registry answered at " + registry + " (" + why + ")", cause);
      this.registry = registry;
    }

    /** The connect string nobody answered at. */
    public String registry() {
      return registry;
    }
  }

  /** A ZooKeeper server running in this JVM; see {@link #startZooKeeper}. */
  public static final class LocalZooKeeper implements AutoCloseable {
    private final EmbeddedZooKeeper server;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LocalZooKeeper(EmbeddedZooKeeper server) {
      this.server = server;
    }

    /** {@code 127.0.0.1:port}, for {@code registry} settings. */
    public String connectString() {
      return server.connectString();
    }

    /** Stops the server and deletes its data. Idempotent, and safe from a shutdown hook. */
    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        server.close();
      }
    }
  }
}
