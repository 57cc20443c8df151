package io.farcall.runtime;

import io.farcall.Remote;
import io.farcall.runtime.internal.AgentLink;
import io.farcall.runtime.internal.OptionFiles;
import io.farcall.runtime.internal.admin.AdminServer;
import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.codec.Contract;
import io.farcall.runtime.internal.discovery.Endpoint;
import io.farcall.runtime.internal.discovery.Registration;
import io.farcall.runtime.internal.discovery.Registry;
import io.farcall.runtime.internal.discovery.RegistryConfig;
import io.farcall.runtime.internal.discovery.RegistryKeyStore;
import io.farcall.runtime.internal.discovery.RegistrySecurity;
import io.farcall.runtime.internal.discovery.ServiceDirectory;
import io.farcall.runtime.internal.invoke.ClientInvoker;
import io.farcall.runtime.internal.invoke.ClientResources;
import io.farcall.runtime.internal.invoke.ProviderServer;
import io.farcall.runtime.internal.invoke.ServiceDescriptor;
import io.farcall.runtime.internal.metrics.Exposition;
import io.farcall.runtime.internal.metrics.MeterSetup;
import io.farcall.runtime.internal.metrics.RuntimeMetrics;
import io.farcall.runtime.internal.proxy.StubFactory;
import io.farcall.runtime.internal.security.Authorization;
import io.farcall.runtime.internal.security.TokenCredentials;
import io.farcall.runtime.internal.security.Tokens;
import io.farcall.runtime.internal.tracing.TracingSetup;
import io.farcall.runtime.internal.transport.Tls;
import io.farcall.runtime.internal.transport.TransportConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The root object of the Farcall runtime: it exports implementations ({@link #export}) and creates
 * stubs ({@link #stub}), and owns everything that takes: the registry connection (Curator), the
 * Netty event loops, the provider's listening server and bounded executor, the timer, the codec.
 * {@link #close()} stops all of it.
 *
 * <p>Build one per application with {@link #builder()} and share it; it is thread-safe. Stubs are
 * cached: {@code stub(T.class)} returns the same object each time.
 *
 * <pre>{@code
 * try (Farcall farcall = Farcall.builder().registry("zk1:2181,zk2:2181").build()) {
 *   farcall.export(new InventoryImpl());
 *   Inventory inventory = farcall.stub(Inventory.class);
 *   int left = inventory.reserve("sku-1", 2);
 * }
 * }</pre>
 */
public final class Farcall implements AutoCloseable {
  private static final Logger log = LogManager.getLogger(Farcall.class);

  private final FarcallSettings settings;
  private final Registry registry;
  private final BodyCodec codec;
  private final EventLoopGroup ioGroup;
  private final ClientResources clientResources;
  private final Map<Class<?>, Object> stubs = new ConcurrentHashMap<>();
  private final Interceptors interceptors;

  /** The TLS of this runtime's connections, or null for plaintext only. */
  private final Tls tls;

  /** The provider's authorization policy, or null to allow every call. */
  private final Authorization authorization;

  /** The tokens the provider accepts, or null. */
  private final Tokens tokens;

  private final RuntimeMetrics metrics;

  /** Closes the meter registry this runtime made (the admin endpoint's), if any. */
  private final Runnable closeMeters;

  /** The admin HTTP endpoint, or null without one. */
  private final AdminServer admin;

  /**
   * The registration metadata key of the fingerprint of the provider's contract: its interface's
   * methods and the shapes of the types they use, as this provider's classes have them.
   */
  static final String CONTRACT_KEY = "contract";

  /** The registration metadata key of the contract itself, as text (what the CLI's diff shows). */
  static final String CONTRACT_TEXT_KEY = "contractText";

  /**
   * The registration metadata key of the port of the provider's admin endpoint (at its advertised
   * host), present only when it has one: where the CLI's {@code top} reads its metrics.
   */
  static final String ADMIN_PORT_KEY = "adminPort";

  /** This runtime's registration of each service it serves, by service name. Guarded by this. */
  private final Map<String, Registration> registrations = new LinkedHashMap<>();

  /** The class loaders the {@code allowtypes} names were looked up in. */
  private final Set<ClassLoader> namedTypeLoaders = ConcurrentHashMap.newKeySet();

  /** The object serving each service, by service name. Guarded by this. */
  private final Map<String, Object> implementations = new HashMap<>();

  /** The provider side, started by the first export. Guarded by this. */
  private ProviderServer server;

  /** Written under this object's lock; read without it, so that stub() never waits for export(). */
  private volatile boolean closed;

  private Farcall(FarcallSettings settings) {
    this.settings = settings;
    // First: a bad file stops start-up before anything runs.
    this.tls = Tls.start(settings.tls());
    this.authorization =
        settings.authzPolicy() == null ? null : new Authorization(settings.authzPolicy());
    this.tokens = settings.tokens() == null ? null : new Tokens(settings.tokens());
    TokenCredentials credentials =
        settings.tokenFile() == null ? null : new TokenCredentials(settings.tokenFile());
    RegistrySecurity registrySecurity =
        new RegistrySecurity(
            digest(settings.registryDigest()),
            settings.registryAcl(),
            settings.registryTls()
                ? new RegistrySecurity.Tls(
                    settings.registryTlsCertificate() == null
                        ? null
                        : RegistryKeyStore.write(
                            settings.registryTlsCertificate(), settings.registryTlsKey()),
                    settings.registryTlsTrusted())
                : null);
    List<Runnable> reloads = new ArrayList<>();
    if (tls != null) {
      reloads.add(tls::reloadIfChanged);
    }
    if (authorization != null) {
      reloads.add(authorization::reloadIfChanged);
    }
    if (tokens != null) {
      reloads.add(tokens::reloadIfChanged);
    }
    if (credentials != null) {
      reloads.add(credentials::reloadIfChanged);
    }
    Function<String, Exposition> scrape = null;
    if (settings.meterRegistry() == null && settings.adminPort() < 0 && !settings.jmx()) {
      this.metrics = RuntimeMetrics.NONE; // and Micrometer need not be on the class path
      this.closeMeters = () -> {};
    } else {
      MeterSetup meters =
          MeterSetup.of(settings.meterRegistry(), settings.adminPort() >= 0, settings.jmx());
      this.metrics = meters.metrics();
      this.closeMeters = meters.close();
      scrape = meters.scrape();
    }
    List<Object> security = new ArrayList<>();
    if (authorization != null) {
      security.add(authorization);
    }
    if (credentials != null) {
      security.add(credentials);
    }
    this.interceptors =
        new Interceptors(
            settings,
            () ->
                settings.tracing()
                    ? TracingSetup.interceptor(settings.openTelemetry(), this::localAddress)
                    : null,
            security);
    this.codec = new BodyCodec(settings.allowedTypes());
    codec.hashCollisionLimit(settings.maxHashCollisions());
    this.registry =
        Registry.start(
            new RegistryConfig(
                    settings.registry(),
                    settings.basePath(),
                    settings.sessionTimeout(),
                    settings.connectTimeout())
                .withSecurity(registrySecurity));
    boolean started = false;
    try {
      this.ioGroup =
          new MultiThreadIoEventLoopGroup(
              settings.ioThreads(),
              new DefaultThreadFactory("farcall-io", true),
              NioIoHandler.newFactory());
      if (!reloads.isEmpty()) {
        ioGroup
            .next()
            .scheduleWithFixedDelay(
                () -> reloads.forEach(Runnable::run),
                Tls.CHECK_INTERVAL_NANOS,
                Tls.CHECK_INTERVAL_NANOS,
                TimeUnit.NANOSECONDS);
      }
      this.clientResources =
          ClientResources.start(
              ioGroup,
              transportConfig(),
              codec,
              settings.callbackThreads(),
              settings.timeout(),
              settings.loadBalance(),
              metrics);
      if (metrics != RuntimeMetrics.NONE) {
        metrics.registry(registry::connected);
        registry.onNewSession(metrics::sessionChanged);
      }
      this.admin =
          settings.adminPort() < 0
              ? null
              : AdminServer.start(
                  settings.listenHost(),
                  settings.adminPort(),
                  new AdminServer.Content(this::liveness, this::readiness, scrape));
      started = true;
    } finally {
      if (!started) {
        registry.close();
        closeMeters.run();
      }
    }
  }

  /** The {@code user:password} in the {@code registrydigest} file, or null without one. */
  private static String digest(java.nio.file.Path file) {
    return file == null ? null : OptionFiles.readString(file, "registrydigest").strip();
  }

  private AdminServer.Health liveness() {
    boolean open = !closed;
    return new AdminServer.Health(open, Map.of("status", open ? "UP" : "DOWN"));
  }

  private AdminServer.Health readiness() {
    FarcallStatus s = status();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", s.ready() ? "UP" : "DOWN");
    body.put("registry", s.registry());
    body.put("registryConnected", s.registryConnected());
    body.put("closed", s.closed());
    body.put("exports", s.exports());
    return new AdminServer.Health(s.ready(), body);
  }

  /** The address of the admin HTTP endpoint, or null without one ({@code adminport} unset). */
  public InetSocketAddress adminAddress() {
    return admin == null ? null : admin.address();
  }

  /** A builder with every setting at its default. */
  public static FarcallSettings.Builder builder() {
    return FarcallSettings.builder();
  }

  /** The settings this runtime was built with. */
  public FarcallSettings settings() {
    return settings;
  }

  private TransportConfig transportConfig() {
    return new TransportConfig(
        settings.maxFrameSize(),
        settings.connectTimeout(),
        settings.heartbeatInterval(),
        settings.connectionLimits(),
        tls);
  }

  /**
   * Starts a runtime with {@code settings} (see {@link FarcallSettings.Builder#build()}).
   *
   * @throws io.farcall.RpcException in zero-config, if no ZooKeeper answers on 127.0.0.1:2181 and
   *     none could be started there. A configured registry that does not answer within the connect
   *     timeout does not fail the start: calls use the providers last seen, saved on local disk,
   *     and exports are registered once it answers.
   */
  public static Farcall start(FarcallSettings settings) {
    return new Farcall(settings);
  }

  /**
   * A stub of {@code type}, a public {@link Remote} interface: each call on it runs on a live
   * provider of the service. The same stub is returned on every call; it is thread-safe.
   *
   * @throws IllegalArgumentException if {@code type} is not a public {@code @Remote} interface
   * @throws IllegalStateException if an interceptor the settings name cannot be created
   */
  public <T> T stub(Class<T> type) {
    ensureOpen();
    return type.cast(
        stubs.computeIfAbsent(
            type,
            t -> {
              ServiceDescriptor service = ServiceDescriptor.of(t);
              allowNamedTypes(t.getClassLoader());
              codec.allowInterface(t);
              ServiceDirectory directory = registry.directory(service.name());
              if (metrics != RuntimeMetrics.NONE) {
                AtomicLong updated = new AtomicLong(System.currentTimeMillis());
                directory.addListener(() -> updated.set(System.currentTimeMillis()));
                metrics.directory(service.name(), () -> directory.endpoints().size(), updated::get);
              }
              ClientInvoker invoker =
                  new ClientInvoker(
                      service,
                      directory,
                      clientResources,
                      interceptors.of(t.getClassLoader()).client());
              return StubFactory.newStub(invoker);
            }));
  }

  /**
   * The providers of {@code type}'s service this runtime knows of now, as its stubs would pick from
   * them: what the registry last told it (or its disk cache, while the registry cannot be reached),
   * in no particular order. A provider registered elsewhere shows up once the registry's watch has
   * told this runtime, usually within milliseconds.
   *
   * @throws IllegalArgumentException if {@code type} is not a public {@code @Remote} interface
   */
  public List<InetSocketAddress> providers(Class<?> type) {
    return providers(ServiceDescriptor.of(type).name());
  }

  /** The providers of the service named {@code service} this runtime knows of now, as above. */
  public List<InetSocketAddress> providers(String service) {
    ensureOpen();
    List<InetSocketAddress> found = new ArrayList<>();
    for (Endpoint e : registry.directory(service).endpoints()) {
      found.add(InetSocketAddress.createUnresolved(e.host(), e.port()));
    }
    return List.copyOf(found);
  }

  /**
   * Serves {@code impl} for every {@link Remote} interface it implements: starts the listening
   * server if this is the first export, and registers one service instance per interface.
   *
   * @return the names of the services now served by {@code impl}
   * @throws IllegalArgumentException if {@code impl} implements no {@code @Remote} interface
   * @throws IllegalStateException if an interceptor the settings name cannot be created
   */
  public synchronized List<String> export(Object impl) {
    ensureOpen();
    Set<Class<?>> remotes = remoteInterfaces(impl.getClass());
    if (remotes.isEmpty()) {
      throw new IllegalArgumentException(
          impl.getClass().getName() + " implements no interface annotated @Remote");
    }
    List<ServiceDescriptor> services = new ArrayList<>();
    for (Class<?> t : remotes) {
      services.add(ServiceDescriptor.of(t));
    }
    allowNamedTypes(impl.getClass().getClassLoader());
    List<io.farcall.ServerInterceptor> serverInterceptors =
        interceptors.of(impl.getClass().getClassLoader()).server();
    startServer();
    List<String> names = new ArrayList<>();
    for (ServiceDescriptor s : services) {
      names.add(s.name());
      Object previous = implementations.put(s.name(), impl);
      if (previous == impl) {
        continue; // exported already (the agent loaded twice, say): one registration
      }
      server.export(s, impl, serverInterceptors);
      if (previous != null) {
        log.info(
            "{} is now served by another instance of {}, in place of the one exported before",
            s.name(),
            impl.getClass().getName());
        continue; // the same service at the same address: still one registration
      }
      Contract contract = codec.contract(s.type());
      Map<String, String> metadata = new LinkedHashMap<>();
      metadata.put(Endpoint.WEIGHT_KEY, Integer.toString(settings.weight()));
      metadata.put(CONTRACT_KEY, contract.fingerprint());
      metadata.put(CONTRACT_TEXT_KEY, contract.text());
      if (admin != null) {
        metadata.put(ADMIN_PORT_KEY, Integer.toString(admin.address().getPort()));
      }
      if (tls != null) {
        metadata.put(
            Endpoint.TLS_KEY,
            (tls.mode() == Tls.Mode.ON
                    ? Endpoint.TlsSupport.REQUIRED
                    : Endpoint.TlsSupport.OPTIONAL)
                .text());
      }
      registrations.put(
          s.name(),
          registry.register(
              s.name(), settings.advertisedHost(), server.address().getPort(), metadata));
      log.info(
          "exported {} ({}) at {}:{}",
          s.name(),
          impl.getClass().getName(),
          settings.advertisedHost(),
          server.address().getPort());
    }
    return List.copyOf(names);
  }

  /**
   * Stops serving {@code impl}, and only it: deregisters each service it serves, refuses new calls
   * for them with the retryable shutting-down status (so that a caller that has not yet heard of
   * the deregistration goes to another provider), and waits until their calls in flight ended, up
   * to the shutdown grace period. The runtime, its stubs and its other exports go on; exporting the
   * object again serves it again. This is what a container does before it destroys an exported
   * bean.
   *
   * <p>On a runtime that is closing, or closed, it still waits for the object's calls in flight.
   *
   * @return the services no longer served by {@code impl}; empty if it served none
   */
  public List<String> unexport(Object impl) {
    List<String> names = new ArrayList<>();
    ProviderServer from;
    synchronized (this) {
      for (Iterator<Map.Entry<String, Object>> it = implementations.entrySet().iterator();
          it.hasNext(); ) {
        Map.Entry<String, Object> e = it.next();
        if (e.getValue() == impl) {
          it.remove();
          names.add(e.getKey());
          // Once closed, close() deregisters; the calls in flight are still waited for below.
          Registration r = closed ? null : registrations.remove(e.getKey());
          if (r != null) {
            r.close();
          }
        }
      }
      from = server;
    }
    if (names.isEmpty()) {
      return List.of();
    }
    long deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
    try {
      for (String name : names) {
        if (!from.withdraw(name, deadline)) {
          log.warn(
              "calls to {} still running after the shutdown grace period of {}",
              name,
              settings.shutdownGrace());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("unexported {} ({})", String.join(", ", names), impl.getClass().getName());
    return List.copyOf(names);
  }

  /**
   * Allows the types the settings name ({@code allowtypes}) as {@code loader} finds them, once per
   * class loader: an application's classes may live in a loader of their own (an executable jar's,
   * a web container's), which only its exported objects and stubs lead to.
   */
  private void allowNamedTypes(ClassLoader loader) {
    List<String> names = settings.allowedTypeNames();
    if (names.isEmpty() || loader == null || !namedTypeLoaders.add(loader)) {
      return;
    }
    List<String> missing = codec.allowTypesNamed(names, loader);
    if (!missing.isEmpty()) {
      log.warn(
          "option 'allowtypes': {} not found by {}; calls carrying them will be refused",
          String.join(", ", missing),
          loader);
    }
  }

  /**
   * This runtime's health now: its registry connection and the registration of each service it
   * exports. Cheap (no call to ZooKeeper), so health checks may read it often.
   */
  public FarcallStatus status() {
    Map<String, Boolean> exports = new LinkedHashMap<>();
    boolean isClosed;
    synchronized (this) {
      isClosed = closed;
      registrations.forEach((name, r) -> exports.put(name, r.registered()));
    }
    return new FarcallStatus(
        registry.connectString(), !isClosed && registry.connected(), exports, isClosed);
  }

  /**
   * The runtime of the Farcall agent attached to this JVM ({@code -javaagent:rpc-agent.jar}),
   * started on first use; empty without the agent. A container integration (the Spring Boot
   * starter) uses it to share the agent's runtime instead of starting a second one, and leaves
   * exporting to the agent.
   *
   * @throws IllegalStateException if the agent's runtime could not start (its message says why)
   */
  public static Optional<Farcall> agent() {
    Supplier<Farcall> agent = AgentLink.runtime();
    return agent == null ? Optional.empty() : Optional.of(agent.get());
  }

  /** Whether the Farcall agent is attached to this JVM; does not start its runtime. */
  public static boolean agentAttached() {
    return AgentLink.runtime() != null;
  }

  /** The address the provider server listens on, or null before the first export. */
  public synchronized InetSocketAddress localAddress() {
    return server == null ? null : server.address();
  }

  /**
   * The {@link Remote} interfaces {@code type} implements, directly or through its superclasses and
   * superinterfaces, in the order found: the services {@link #export} would serve an instance of it
   * for. Empty if none, which {@code export} refuses.
   */
  public static Set<Class<?>> remoteInterfaces(Class<?> type) {
    Set<Class<?>> found = new LinkedHashSet<>();
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      collect(c.getInterfaces(), found);
    }
    return found;
  }

  private static void collect(Class<?>[] interfaces, Set<Class<?>> found) {
    for (Class<?> i : interfaces) {
      if (i.isAnnotationPresent(Remote.class)) {
        found.add(i);
      }
      collect(i.getInterfaces(), found);
    }
  }

  private void startServer() {
    if (server == null) {
      server =
          ProviderServer.start(
              ioGroup,
              transportConfig(),
              codec,
              new ProviderServer.Limits(
                  settings.executorThreads(),
                  settings.executorQueue(),
                  settings.maxDecodingBytes()),
              settings.listenHost(),
              settings.port(),
              metrics,
              tokens);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("this Farcall runtime is closed");
    }
  }

  /**
   * Stops everything this runtime started: deregisters its services, refuses new calls with the
   * retryable shutting-down status, lets calls in flight finish (up to the shutdown grace period),
   * closes connections and stops its threads. Idempotent.
   */
  @Override
  public void close() {
    List<Registration> registered;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      registered = List.copyOf(registrations.values());
    }
    for (Registration r : registered) {
      r.close();
    }
    if (server != null) {
      server.shutdown(settings.shutdownGrace());
    }
    clientResources.close();
    registry.close();
    ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    if (server != null) {
      server.awaitTermination();
    }
    clientResources.awaitTermination();
    if (admin != null) {
      admin.close(); // last: probes see "not ready" while calls drain
    }
    closeMeters.run();
  }
}
