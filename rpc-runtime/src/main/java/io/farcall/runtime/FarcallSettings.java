package io.farcall.runtime;

import io.farcall.ClientInterceptor;
import io.farcall.Interceptor;
import io.farcall.LoadBalance;
import io.farcall.ServerInterceptor;
import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.discovery.ConnectString;
import io.farcall.runtime.internal.discovery.RegistryConfig;
import io.farcall.runtime.internal.transport.ConnectionLimits;
import io.farcall.runtime.internal.transport.Tls;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The immutable settings of one {@link Farcall} runtime. Build with {@link Farcall#builder()};
 * every setting has a default, and every setter checks its value at once, with a message naming the
 * setting and what it accepts.
 *
 * <p>Settings can also be given by name as strings ({@link Builder#option(String, String)}), as
 * agent options, system properties and environment variables do: see {@link #OPTION_NAMES}.
 */
public final class FarcallSettings {
  /** The default ZooKeeper port used by the zero-config registry. */
  public static final String ZERO_CONFIG_REGISTRY = "127.0.0.1:2181";

  private final String registry;

  /** The host the builder was given, or null for the default. */
  private final String host;

  /** The advertised host, worked out when first asked (see {@link #defaultHost}); else null. */
  private volatile String advertised;

  private final int port;
  private final Duration timeout;
  private final String basePath;
  private final int maxFrameSize;
  private final ConnectionLimits limits;
  private final int maxHashCollisions;
  private final long maxDecodingBytes;
  private final int ioThreads;
  private final int executorThreads;
  private final int executorQueue;
  private final int callbackThreads;
  private final Duration connectTimeout;
  private final Duration sessionTimeout;
  private final Duration heartbeatInterval;
  private final Duration shutdownGrace;
  private final List<Class<?>> allowedTypes;
  private final List<String> allowedTypeNames;
  private final List<ClientInterceptor> clientInterceptors;
  private final List<ServerInterceptor> serverInterceptors;
  private final List<String> interceptorNames;
  private final LoadBalance loadBalance;
  private final int weight;
  private final MeterRegistry meterRegistry;
  private final OpenTelemetry openTelemetry;
  private final boolean tracing;
  private final boolean accessLog;
  private final int adminPort;
  private final boolean jmx;
  private final Tls.Config tls;
  private final Path authzPolicy;
  private final Path tokens;
  private final Path tokenFile;
  private final Path registryDigest;
  private final boolean registryAcl;
  private final boolean registryTls;
  private final Path registryTlsTrusted;
  private final Path registryTlsCertificate;
  private final Path registryTlsKey;

  /** How a runtime speaks TLS with its peers (see the README's "Security"). */
  public enum TlsMode {
    /** Plaintext only (the default). */
    OFF,
    /**
     * TLS only: a provider accepts no plaintext connection, and a consumer calls no provider whose
     * registration does not say it speaks TLS.
     */
    ON,
    /**
     * Both, while a fleet moves to TLS: a provider accepts TLS and plaintext on its one port; a
     * consumer speaks TLS to providers that say they do, and plaintext to the others.
     */
    PERMISSIVE
  }

  /** What a provider asks of its consumers' certificates. */
  public enum ClientAuth {
    /** Nothing: consumers need no certificate. */
    NONE,
    /** A consumer's certificate is verified if it shows one. */
    OPTIONAL,
    /** Every consumer shows a certificate a trusted authority signed: mutual TLS. */
    REQUIRE
  }

  private FarcallSettings(Builder b) {
    this.registry = b.registry;
    this.host = b.host;
    this.port = b.port;
    this.timeout = b.timeout;
    this.basePath = b.basePath;
    this.maxFrameSize = b.maxFrameSize;
    this.limits = b.limits;
    this.maxHashCollisions = b.maxHashCollisions;
    this.maxDecodingBytes =
        b.maxDecodingBytes != 0 ? b.maxDecodingBytes : defaultMaxDecodingBytes(b.maxFrameSize);
    this.ioThreads = b.ioThreads;
    this.executorThreads = b.executorThreads;
    this.executorQueue = b.executorQueue;
    this.callbackThreads = b.callbackThreads;
    this.connectTimeout = b.connectTimeout;
    this.sessionTimeout = b.sessionTimeout;
    this.heartbeatInterval = b.heartbeatInterval;
    this.shutdownGrace = b.shutdownGrace;
    this.allowedTypes = List.copyOf(b.allowedTypes);
    this.allowedTypeNames = List.copyOf(b.allowedTypeNames);
    this.clientInterceptors = List.copyOf(b.clientInterceptors);
    this.serverInterceptors = List.copyOf(b.serverInterceptors);
    this.interceptorNames = List.copyOf(b.interceptorNames);
    this.loadBalance = b.loadBalance;
    this.weight = b.weight;
    this.meterRegistry = b.meterRegistry;
    this.openTelemetry = b.openTelemetry;
    this.tracing = b.tracing;
    this.accessLog = b.accessLog;
    this.adminPort = b.adminPort;
    this.jmx = b.jmx;
    ClientAuth peers =
        b.tlsClientAuth != null
            ? b.tlsClientAuth
            : b.tlsTrusted != null ? ClientAuth.REQUIRE : ClientAuth.NONE;
    this.tls =
        new Tls.Config(
            Tls.Mode.valueOf(b.tlsMode.name()),
            b.tlsCertificate,
            b.tlsKey,
            b.tlsTrusted,
            Tls.Peers.valueOf(peers.name()),
            b.tlsVerifyHostname);
    if (b.tokenFile != null && b.tlsMode != TlsMode.ON) {
      throw new IllegalArgumentException(
          "option 'tokenfile': a token is sent only over TLS, so it needs tls=on");
    }
    this.authzPolicy = b.authzPolicy;
    this.tokens = b.tokens;
    this.tokenFile = b.tokenFile;
    this.registryDigest = b.registryDigest;
    this.registryAcl = b.registryAcl;
    this.registryTls = b.registryTls;
    this.registryTlsTrusted = b.registryTlsTrusted != null ? b.registryTlsTrusted : b.tlsTrusted;
    this.registryTlsCertificate =
        b.registryTlsCertificate != null ? b.registryTlsCertificate : b.tlsCertificate;
    this.registryTlsKey = b.registryTlsKey != null ? b.registryTlsKey : b.tlsKey;
    if (registryTls && (registryTlsCertificate == null) != (registryTlsKey == null)) {
      throw new IllegalArgumentException(
          "option 'registrytlscert': a certificate for ZooKeeper needs its key (registrytlskey),"
              + " and a key its certificate");
    }
  }

  /** Whether the connection to ZooKeeper speaks TLS (ZooKeeper's own client TLS). */
  public boolean registryTls() {
    return registryTls;
  }

  /** The PEM authorities trusted to sign ZooKeeper's certificate (default tlsca), or null. */
  public Path registryTlsTrusted() {
    return registryTlsTrusted;
  }

  /** The PEM certificate chain shown to ZooKeeper (default tlscert), or null. */
  public Path registryTlsCertificate() {
    return registryTlsCertificate;
  }

  /** The PEM private key of {@link #registryTlsCertificate()} (default tlskey), or null. */
  public Path registryTlsKey() {
    return registryTlsKey;
  }

  /** The file of {@code user:password} for ZooKeeper's digest authentication, or null. */
  public Path registryDigest() {
    return registryDigest;
  }

  /** Whether the registry's nodes may be changed only by the identity that wrote them. */
  public boolean registryAcl() {
    return registryAcl;
  }

  /** The provider's authorization policy file, or null to allow every call. */
  public Path authzPolicy() {
    return authzPolicy;
  }

  /** The file of tokens a provider accepts, with the identity each stands for, or null. */
  public Path tokens() {
    return tokens;
  }

  /** The file of the token a consumer sends, or null. */
  public Path tokenFile() {
    return tokenFile;
  }

  /** The TLS settings: files are read, and checked, when the runtime starts. */
  Tls.Config tls() {
    return tls;
  }

  /** A builder with every setting at its default; {@link Farcall#builder()} is the same. */
  public static Builder builder() {
    return new Builder();
  }

  /** ZooKeeper connect string, or null for zero-config (127.0.0.1:2181, embedded if absent). */
  public String registry() {
    return registry;
  }

  /**
   * The address advertised to consumers: the {@code host} setting, or by default loopback when the
   * registry is local (zero-config included), so that a development setup never leaves the machine,
   * and otherwise this machine's first site-local or public IPv4 address. The default is worked out
   * when first asked (by the first export), not when the settings are read: an agent's start-up
   * never walks the network interfaces.
   */
  public String advertisedHost() {
    String h = advertised;
    if (h == null) {
      h = host != null ? host : defaultHost(registry);
      advertised = h;
    }
    return h;
  }

  /** The address the server binds: the advertised host if it is loopback, else all interfaces. */
  public String listenHost() {
    String h = advertisedHost();
    return ConnectString.isLoopback(h) ? h : "0.0.0.0";
  }

  /** Listen port; 0 means any free port. */
  public int port() {
    return port;
  }

  /** Default call timeout, for interfaces that do not set their own. */
  public Duration timeout() {
    return timeout;
  }

  public String basePath() {
    return basePath;
  }

  public int maxFrameSize() {
    return maxFrameSize;
  }

  /** Largest frame header (metadata included) accepted, in bytes. */
  public int maxHeaderSize() {
    return limits.maxHeaderSize();
  }

  /**
   * What one peer may make a connection hold: header and metadata sizes, the time a frame may take
   * to arrive, and the bytes frames still arriving and frames waiting to be written may hold.
   */
  ConnectionLimits connectionLimits() {
    return limits;
  }

  /**
   * The most bytes of request bodies a provider holds at once, from their arrival to the end of
   * their calls: a request that would take more is refused with the retryable overloaded status.
   */
  public long maxDecodingBytes() {
    return maxDecodingBytes;
  }

  /**
   * A thirty-second of the heap (8 MiB at {@code -Xmx256m}: a body of small objects, such as a
   * {@code HashSet<Integer>}, takes ten times its bytes once decoded), but room for at least one
   * frame of the largest size.
   */
  private static long defaultMaxDecodingBytes(int maxFrameSize) {
    return Math.max(maxFrameSize, Runtime.getRuntime().maxMemory() / 32);
  }

  /**
   * How much the keys of one hash set or map in a body may collide: on average, a key may share its
   * hash code with this many others at most.
   */
  public int maxHashCollisions() {
    return maxHashCollisions;
  }

  public int ioThreads() {
    return ioThreads;
  }

  public int executorThreads() {
    return executorThreads;
  }

  public int executorQueue() {
    return executorQueue;
  }

  public int callbackThreads() {
    return callbackThreads;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration sessionTimeout() {
    return sessionTimeout;
  }

  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  public Duration shutdownGrace() {
    return shutdownGrace;
  }

  public List<Class<?>> allowedTypes() {
    return allowedTypes;
  }

  /**
   * Classes by name, and packages as {@code acme.model.*}, that may travel in calls besides those
   * derived from the {@code @Remote} interfaces: the {@code allowtypes} option. They are looked up
   * in the class loader of each exported object's class and each stub's interface, as the runtime
   * meets them.
   */
  public List<String> allowedTypeNames() {
    return allowedTypeNames;
  }

  /** The client interceptors given to the builder, outermost first. */
  public List<ClientInterceptor> clientInterceptors() {
    return clientInterceptors;
  }

  /** The server interceptors given to the builder, outermost first. */
  public List<ServerInterceptor> serverInterceptors() {
    return serverInterceptors;
  }

  /**
   * Interceptor classes by name (the {@code interceptors} option): each is created once with its
   * public no-argument constructor, from the class loader of the first exported object's class or
   * stub's interface, and runs after the builder's interceptors.
   */
  public List<String> interceptorNames() {
    return interceptorNames;
  }

  /** How calls pick a provider, for interfaces whose {@code @Remote} does not say. */
  public LoadBalance loadBalance() {
    return loadBalance;
  }

  /** This provider's weight, relative to others' (default 10): its share of calls. */
  public int weight() {
    return weight;
  }

  /** The registry Farcall's meters are registered in, or null for none (the default). */
  public MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  /** The OpenTelemetry calls are traced with, or null for the global one (the default). */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /**
   * Whether calls are traced (default true): a span for each, and its context in the call's
   * metadata, whenever OpenTelemetry is there to record them.
   */
  public boolean tracing() {
    return tracing;
  }

  /** Whether each call is logged to the logger {@code farcall.access} (default false). */
  public boolean accessLog() {
    return accessLog;
  }

  /**
   * The admin HTTP endpoint's port (Prometheus metrics, liveness, readiness), 0 for any free port;
   * -1 (the default) for no endpoint.
   */
  public int adminPort() {
    return adminPort;
  }

  /** Whether Farcall's meters are also MBeans (domain {@code farcall}); default false. */
  public boolean jmx() {
    return jmx;
  }

  @Override
  public String toString() {
    return "FarcallSettings{registry="
        + (registry == null ? "(zero-config " + ZERO_CONFIG_REGISTRY + ")" : registry)
        + ", host="
        + (host == null ? "(default)" : host)
        + ", port="
        + port
        + ", timeout="
        + timeout
        + ", basepath="
        + basePath
        + "}";
  }

  /** See {@link #advertisedHost()}. */
  private static String defaultHost(String registry) {
    if (registry == null || ConnectString.parse(registry).isLoopback()) {
      return "127.0.0.1";
    }
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!ni.isUp() || ni.isLoopback() || ni.isVirtual()) {
          continue;
        }
        for (InetAddress a : Collections.list(ni.getInetAddresses())) {
          if (a instanceof java.net.Inet4Address && !a.isLinkLocalAddress()) {
            return a.getHostAddress();
          }
        }
      }
    } catch (SocketException e) {
      // fall through to loopback
    }
    return "127.0.0.1";
  }

  /** The option names accepted by {@link Builder#option(String, String)}, with what they take. */
  public static final Map<String, String> OPTION_NAMES;

  /**
   * Each option's default as the README's tables show it, for options whose default is one value
   * (not worked out from the machine or from other settings); derived from the defaults themselves.
   */
  static final Map<String, String> OPTION_DEFAULTS;

  private static final Map<String, BiConsumer<Builder, String>> OPTIONS;

  /** The defaults: a builder nobody changed. */
  private static final Builder DEFAULT = new Builder();

  static {
    Table t = new Table();
    ConnectionLimits limits = ConnectionLimits.DEFAULTS;
    t.add("registry", "ZooKeeper connect string, e.g. zk1:2181,zk2:2181", null, Builder::registry);
    t.add("host", "address advertised to consumers", null, Builder::host);
    t.add(
        "port",
        "listen port, 0-65535 (0 = any free port)",
        Integer.toString(DEFAULT.port),
        (b, v) -> b.port(parseInt("port", v)));
    t.add(
        "adminport",
        "port of the admin HTTP endpoint (/metrics for Prometheus, /health/live, /health/ready),"
            + " 0-65535 (0 = any free port); off unless set",
        null,
        (b, v) -> b.adminPort(parseInt("adminport", v)));
    t.add(
        "jmx",
        "true to publish Farcall's meters as MBeans in the domain farcall",
        Boolean.toString(DEFAULT.jmx),
        (b, v) -> b.jmx(parseBoolean("jmx", v)));
    t.add(
        "tracing",
        "false to record no span and pass no trace context, even with OpenTelemetry present",
        Boolean.toString(DEFAULT.tracing),
        (b, v) -> b.tracing(parseBoolean("tracing", v)));
    t.add(
        "accesslog",
        "true to log every call, on each side, at INFO to the Log4j logger farcall.access",
        Boolean.toString(DEFAULT.accessLog),
        (b, v) -> b.accessLog(parseBoolean("accesslog", v)));
    t.add(
        "tls",
        "off, on (TLS only) or permissive (a provider accepts TLS and plaintext, a consumer speaks"
            + " TLS to providers that say they do): for moving a running fleet to TLS",
        DEFAULT.tlsMode.name().toLowerCase(Locale.ROOT),
        (b, v) -> b.tls(parseEnum("tls", v, TlsMode.class)));
    t.add(
        "tlscert",
        "PEM file of the certificate chain this runtime shows (a provider's, or a consumer's for"
            + " mutual TLS); read again when it changes",
        null,
        (b, v) -> b.tlsCertificate = parsePath(v));
    t.add(
        "tlskey",
        "PEM file of tlscert's private key, unencrypted PKCS#8; read again when it changes",
        null,
        (b, v) -> b.tlsKey = parsePath(v));
    t.add(
        "tlsca",
        "PEM file of the authorities trusted to sign peers' certificates (default the JDK's); read"
            + " again when it changes",
        null,
        (b, v) -> b.tlsTrusted = parsePath(v));
    t.add(
        "tlsclientauth",
        "none, optional or require: what a provider asks of consumers' certificates (default"
            + " require when tlsca is set, else none)",
        null,
        (b, v) -> b.tlsClientAuth(parseEnum("tlsclientauth", v, ClientAuth.class)));
    t.add(
        "tlsverifyhostname",
        "false to accept a provider's certificate that does not name the host it registered",
        Boolean.toString(DEFAULT.tlsVerifyHostname),
        (b, v) -> b.tlsVerifyHostname(parseBoolean("tlsverifyhostname", v)));
    t.add(
        "authz",
        "file of the provider's authorization policy: one rule a line, service, method and"
            + " callers; read again when it changes (default every call allowed)",
        null,
        (b, v) -> b.authorize(parsePath(v)));
    t.add(
        "tokens",
        "file of the tokens a provider accepts, one '<identity> <token>' a line; read again when"
            + " it changes",
        null,
        (b, v) -> b.acceptTokens(parsePath(v)));
    t.add(
        "tokenfile",
        "file of the token this consumer sends with every call (needs tls=on); read again when it"
            + " changes",
        null,
        (b, v) -> b.token(parsePath(v)));
    t.add(
        "registrydigest",
        "file of user:password for ZooKeeper's digest authentication",
        null,
        (b, v) -> b.registryDigest(parsePath(v)));
    t.add(
        "registryacl",
        "true to let only the ZooKeeper identity that wrote the registry's nodes change them"
            + " (anyone may read them); providers then need ZooKeeper credentials",
        Boolean.toString(DEFAULT.registryAcl),
        (b, v) -> b.registryAcl(parseBoolean("registryacl", v)));
    t.add(
        "registrytls",
        "true to speak TLS to ZooKeeper (ZooKeeper's own client TLS, through its Netty socket)",
        Boolean.toString(DEFAULT.registryTls),
        (b, v) -> b.registryTls(parseBoolean("registrytls", v)));
    t.add(
        "registrytlsca",
        "PEM file of the authorities trusted to sign ZooKeeper's certificate (default tlsca)",
        null,
        (b, v) -> b.registryTlsTrusted = parsePath(v));
    t.add(
        "registrytlscert",
        "PEM file of the certificate chain shown to ZooKeeper (default tlscert)",
        null,
        (b, v) -> b.registryTlsCertificate = parsePath(v));
    t.add(
        "registrytlskey",
        "PEM file of registrytlscert's private key, unencrypted PKCS#8 (default tlskey)",
        null,
        (b, v) -> b.registryTlsKey = parsePath(v));
    t.add(
        "timeout",
        "default call timeout: milliseconds, or a number with ms, s or m",
        text(DEFAULT.timeout),
        (b, v) -> b.timeout(parseDuration("timeout", v)));
    t.add(
        "basepath",
        "ZooKeeper path under which services register, e.g. /farcall",
        DEFAULT.basePath,
        Builder::basePath);
    t.add(
        "maxframesize",
        "largest frame in bytes (a number, or with k or m suffix)",
        text(DEFAULT.maxFrameSize),
        (b, v) -> b.maxFrameSize(parseSize("maxframesize", v)));
    t.add(
        "maxheadersize",
        "largest frame header, metadata included, in bytes (a number, or with k or m suffix)",
        text(limits.maxHeaderSize()),
        (b, v) -> b.maxHeaderSize(parseSize("maxheadersize", v)));
    t.add(
        "maxmetadataentries",
        "most metadata entries one frame header may carry",
        Integer.toString(limits.maxMetadataEntries()),
        (b, v) -> b.maxMetadataEntries(parseInt("maxmetadataentries", v)));
    t.add(
        "frametimeout",
        "how long a frame may take to arrive once it started; a peer that trickles one is cut off",
        text(limits.frameTimeout()),
        (b, v) -> b.frameTimeout(parseDuration("frametimeout", v)));
    t.add(
        "maxpartialframebytes",
        "memory frames still arriving may hold across all connections",
        text(limits.maxPartialFrameBytes()),
        (b, v) -> b.maxPartialFrameBytes(parseSize("maxpartialframebytes", v)));
    t.add(
        "highwatermark",
        "bytes waiting to be written to one peer above which its connection stops reading until"
            + " they drain below half",
        text(limits.highWaterMark()),
        (b, v) -> b.highWaterMark(parseSize("highwatermark", v)));
    t.add(
        "maxqueuedbytes",
        "bytes waiting to be written to one peer beyond which a provider closes its connection, and"
            + " a consumer refuses further requests to it",
        text(limits.maxQueuedBytes()),
        (b, v) -> b.maxQueuedBytes(parseSize("maxqueuedbytes", v)));
    t.add(
        "maxqueuedbytestotal",
        "bytes waiting to be written across all of a provider's connections; beyond, backlogged"
            + " connections are closed",
        text(limits.maxQueuedBytesTotal()),
        (b, v) -> b.maxQueuedBytesTotal(parseSize("maxqueuedbytestotal", v)));
    t.add(
        "maxdecodingbytes",
        "bytes of request bodies a provider holds at once, until their calls end; more is refused"
            + " as overloaded (default a thirty-second of the heap, at least maxframesize)",
        null,
        (b, v) -> b.maxDecodingBytes(parseSize("maxdecodingbytes", v)));
    t.add(
        "maxhashcollisions",
        "how many other keys of one hash set or map a key may share its hash code with, on"
            + " average; more is refused as a hash flood",
        Integer.toString(DEFAULT.maxHashCollisions),
        (b, v) -> b.maxHashCollisions(parseInt("maxhashcollisions", v)));
    t.add(
        "threads",
        "provider executor threads, at least 1",
        Integer.toString(DEFAULT.executorThreads),
        (b, v) -> b.executorThreads(parseInt("threads", v)));
    t.add(
        "queue",
        "provider executor queue length, at least 0",
        Integer.toString(DEFAULT.executorQueue),
        (b, v) -> b.executorQueue(parseInt("queue", v)));
    t.add(
        "iothreads",
        "network threads, at least 1 (default the number of processors, at least 2)",
        null,
        (b, v) -> b.ioThreads(parseInt("iothreads", v)));
    t.add(
        "callbackthreads",
        "threads that complete the futures of asynchronous calls, at least 1 (default the number"
            + " of processors, at least 2)",
        null,
        (b, v) -> b.callbackThreads(parseInt("callbackthreads", v)));
    t.add(
        "heartbeat",
        "how often an idle connection sends a heartbeat; a peer silent for three intervals is"
            + " disconnected",
        text(DEFAULT.heartbeatInterval),
        (b, v) -> b.heartbeatInterval(parseDuration("heartbeat", v)));
    t.add(
        "shutdowngrace",
        "how long shutting down lets calls in flight finish",
        text(DEFAULT.shutdownGrace),
        (b, v) -> b.shutdownGrace(parseDuration("shutdowngrace", v)));
    t.add(
        "sessiontimeout",
        "ZooKeeper session timeout: how long a provider that vanished stays listed",
        text(DEFAULT.sessionTimeout),
        (b, v) -> b.sessionTimeout(parseDuration("sessiontimeout", v)));
    t.add(
        "connecttimeout",
        "how long to wait for a connection to ZooKeeper or a provider",
        text(DEFAULT.connectTimeout),
        (b, v) -> b.connectTimeout(parseDuration("connecttimeout", v)));
    t.add(
        "loadbalance",
        "how calls pick a provider: least_loaded, round_robin, random, consistent_hash",
        DEFAULT.loadBalance.name().toLowerCase(Locale.ROOT),
        (b, v) -> b.loadBalance(parseLoadBalance(v)));
    t.add(
        "weight",
        "this provider's share of calls relative to others, 1-1000",
        Integer.toString(DEFAULT.weight),
        (b, v) -> b.weight(parseInt("weight", v)));
    t.add(
        "allowtypes",
        "classes that may travel besides those the @Remote interfaces name, comma-separated;"
            + " acme.model.* names every class of a package",
        null,
        (b, v) -> b.allowTypes(parseTypeNames(v)));
    t.add(
        "interceptors",
        "client and server interceptor classes, comma-separated, outermost first; each has a"
            + " public no-argument constructor",
        null,
        (b, v) -> b.interceptors(parseClassNames(v)));
    OPTION_NAMES = Collections.unmodifiableMap(t.names);
    OPTION_DEFAULTS = Collections.unmodifiableMap(t.defaults);
    OPTIONS = Collections.unmodifiableMap(t.setters);
  }

  /** The option table as it is built: one {@link #add} per option, its one source. */
  private static final class Table {
    final Map<String, String> names = new TreeMap<>();
    final Map<String, String> defaults = new TreeMap<>();
    final Map<String, BiConsumer<Builder, String>> setters = new TreeMap<>();

    /**
     * @param defaultText the default as the README shows it, or null when it is worked out (the
     *     description then says how)
     */
    void add(
        String name, String description, String defaultText, BiConsumer<Builder, String> setter) {
      names.put(name, defaultText == null ? description : description + "; default " + defaultText);
      if (defaultText != null) {
        defaults.put(name, defaultText);
      }
      setters.put(name, setter);
    }
  }

  /** A duration as options take it: {@code 500ms}, {@code 3s}, {@code 1m}. */
  static String text(Duration d) {
    long ms = d.toMillis();
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  /** A size as options take it: {@code 16k}, {@code 8m}, or bytes. */
  static String text(long bytes) {
    if (bytes % (1024 * 1024) == 0) {
      return bytes / (1024 * 1024) + "m";
    }
    return bytes % 1024 == 0 ? bytes / 1024 + "k" : Long.toString(bytes);
  }

  private static boolean parseBoolean(String key, String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "option '" + key + "': '" + value + "' is not true or false");
    };
  }

  private static int parseInt(String key, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "option '"
              + key
              + "': '"
              + value
              + "' is not a number; expected "
              + OPTION_NAMES.get(key));
    }
  }

  private static final Pattern TYPE_NAME =
      Pattern.compile(
          "\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*"
              + "(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*(\\.\\*)?");

  private static String[] parseTypeNames(String value) {
    List<String> names = new ArrayList<>();
    for (String part : value.split(",")) {
      String name = part.trim();
      if (!TYPE_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "option 'allowtypes': '"
                + name
                + "' is not a class name (acme.model.Coupon) or a package (acme.model.*)");
      }
      names.add(name);
    }
    return names.toArray(new String[0]);
  }

  private static String[] parseClassNames(String value) {
    List<String> names = new ArrayList<>();
    for (String part : value.split(",")) {
      String name = part.trim();
      if (name.endsWith(".*") || !TYPE_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "option 'interceptors': '" + name + "' is not a class name (acme.ops.Timing)");
      }
      names.add(name);
    }
    return names.toArray(new String[0]);
  }

  private static <E extends Enum<E>> E parseEnum(String key, String value, Class<E> type) {
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      String name = e.name().toLowerCase(Locale.ROOT);
      if (name.equals(value.trim().toLowerCase(Locale.ROOT))) {
        return e;
      }
      names.add(name);
    }
    throw new IllegalArgumentException(
        "option '" + key + "': '" + value + "' is not one of " + String.join(", ", names));
  }

  private static Path parsePath(String value) {
    return Path.of(value.trim());
  }

  private static LoadBalance parseLoadBalance(String value) {
    String v = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    try {
      LoadBalance lb = LoadBalance.valueOf(v);
      if (lb != LoadBalance.DEFAULT) {
        return lb;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "option 'loadbalance': '"
            + value
            + "' is not one of least_loaded, round_robin, random, consistent_hash");
  }

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m)?");

  /**
   * Parses a duration as options give them: {@code 500}, {@code 500ms}, {@code 3s} or {@code 1m} (a
   * bare number is milliseconds).
   *
   * @throws IllegalArgumentException saying what is accepted, if {@code value} is none of these
   */
  public static Duration parseDuration(String value) {
    Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + value + "' is not a duration like 500ms, 3s or 1m (a bare number is milliseconds)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    return switch (unit) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofMillis(n);
    };
  }

  private static Duration parseDuration(String key, String value) {
    try {
      return parseDuration(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "option '"
              + key
              + "': '"
              + value
              + "' is not a duration; expected "
              + OPTION_NAMES.get(key));
    }
  }

  private static int parseSize(String key, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    int factor = 1;
    if (v.endsWith("k")) {
      factor = 1024;
      v = v.substring(0, v.length() - 1);
    } else if (v.endsWith("m")) {
      factor = 1024 * 1024;
      v = v.substring(0, v.length() - 1);
    }
    return Math.multiplyExact(parseInt(key, v), factor);
  }

  /** Collects settings; each setter validates its value. Not thread-safe. */
  public static final class Builder {
    private String registry;
    private String host;
    private int port = 0;
    private Duration timeout = Duration.ofSeconds(5);
    private String basePath = RegistryConfig.DEFAULT_BASE_PATH;
    private int maxFrameSize = 8 * 1024 * 1024;
    private ConnectionLimits limits = ConnectionLimits.DEFAULTS;
    private int maxHashCollisions = BodyCodec.DEFAULT_HASH_COLLISION_LIMIT;
    private long maxDecodingBytes; // 0: derived from the heap
    private int ioThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
    private int executorThreads = 64;
    private int executorQueue = 256;
    private int callbackThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
    private Duration connectTimeout = RegistryConfig.DEFAULT_CONNECT_TIMEOUT;
    private Duration sessionTimeout = RegistryConfig.DEFAULT_SESSION_TIMEOUT;
    private Duration heartbeatInterval = Duration.ofSeconds(10);
    private Duration shutdownGrace = Duration.ofSeconds(10);
    private Set<Class<?>> allowedTypes = new java.util.LinkedHashSet<>();
    private Set<String> allowedTypeNames = new java.util.LinkedHashSet<>();
    private final List<ClientInterceptor> clientInterceptors = new ArrayList<>();
    private final List<ServerInterceptor> serverInterceptors = new ArrayList<>();
    private final List<String> interceptorNames = new ArrayList<>();
    private LoadBalance loadBalance = LoadBalance.LEAST_LOADED;
    private int weight = 10;
    private MeterRegistry meterRegistry;
    private OpenTelemetry openTelemetry;
    private boolean tracing = true;
    private boolean accessLog;
    private int adminPort = -1;
    private boolean jmx;
    private TlsMode tlsMode = TlsMode.OFF;
    private Path tlsCertificate;
    private Path tlsKey;
    private Path tlsTrusted;
    private ClientAuth tlsClientAuth;
    private boolean tlsVerifyHostname = true;
    private Path authzPolicy;
    private Path tokens;
    private Path tokenFile;
    private Path registryDigest;
    private boolean registryAcl;
    private boolean registryTls;
    private Path registryTlsTrusted;
    private Path registryTlsCertificate;
    private Path registryTlsKey;

    private Builder() {}

    /**
     * Whether the connection to ZooKeeper speaks TLS, through ZooKeeper's own client TLS; false by
     * default. It trusts {@link #registryTlsTrusted} (by default {@link #tlsTrusted}) and shows
     * {@link #registryTlsCertificate} (by default {@link #tlsCertificate}), read at start-up.
     */
    public Builder registryTls(boolean on) {
      this.registryTls = on;
      return this;
    }

    /** The PEM authorities trusted to sign ZooKeeper's certificate, if not those of tlsca. */
    public Builder registryTlsTrusted(Path authorities) {
      this.registryTlsTrusted = java.util.Objects.requireNonNull(authorities, "authorities");
      return this;
    }

    /** The PEM certificate chain and key shown to ZooKeeper, if not those of tlscert and tlskey. */
    public Builder registryTlsCertificate(Path certificateChain, Path privateKey) {
      this.registryTlsCertificate =
          java.util.Objects.requireNonNull(certificateChain, "certificateChain");
      this.registryTlsKey = java.util.Objects.requireNonNull(privateKey, "privateKey");
      return this;
    }

    /**
     * Authenticates to ZooKeeper with its digest scheme, as the {@code user:password} that {@code
     * file} holds. (ZooKeeper's SASL needs no setting here: a JAAS {@code Client} section, named by
     * {@code -Djava.security.auth.login.config}, is what ZooKeeper's client reads.)
     */
    public Builder registryDigest(Path file) {
      this.registryDigest = java.util.Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * Whether the registry's nodes (the base path, each service's, each provider's) may be changed
     * only by the ZooKeeper identity that created them, and read by anyone; false by default. A
     * provider with it needs ZooKeeper credentials ({@link #registryDigest} or SASL), and closes
     * nodes that others may write before it registers under them.
     */
    public Builder registryAcl(boolean on) {
      this.registryAcl = on;
      return this;
    }

    /**
     * Checks every call this provider serves against the policy in {@code file} (one rule a line:
     * service, method, callers; see the README's "Who may call what"), read again when it changes.
     * A call it does not allow fails with {@link io.farcall.PermissionDeniedException} and leaves
     * one line in the log {@code farcall.audit}.
     */
    public Builder authorize(Path file) {
      this.authzPolicy = java.util.Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * The tokens this provider accepts from consumers without a client certificate: {@code file}
     * holds one {@code <identity> <token>} a line, and is read again when it changes.
     */
    public Builder acceptTokens(Path file) {
      this.tokens = java.util.Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * Sends the token in {@code file} (its whole text) with every call, for providers that accept
     * tokens; read again when it changes. It needs {@link TlsMode#ON}: a token never travels in
     * plaintext.
     */
    public Builder token(Path file) {
      this.tokenFile = java.util.Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * How this runtime speaks TLS with its peers; {@link TlsMode#OFF} by default. With TLS, a
     * provider needs {@link #tlsCertificate}, and a consumer trusts {@link #tlsTrusted} (or the
     * JDK's authorities).
     */
    public Builder tls(TlsMode mode) {
      this.tlsMode = java.util.Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * The certificate chain and private key this runtime shows, as PEM files (the key unencrypted
     * PKCS#8): a provider's server certificate, and a consumer's client certificate for mutual TLS.
     * Read again when they change: connections made after that use the new ones.
     */
    public Builder tlsCertificate(Path certificateChain, Path privateKey) {
      this.tlsCertificate = java.util.Objects.requireNonNull(certificateChain, "certificateChain");
      this.tlsKey = java.util.Objects.requireNonNull(privateKey, "privateKey");
      return this;
    }

    /**
     * The PEM certificates of the authorities trusted to sign peers' certificates (a provider's,
     * and with mutual TLS a consumer's); the JDK's default authorities without it. Read again when
     * it changes.
     */
    public Builder tlsTrusted(Path authorities) {
      this.tlsTrusted = java.util.Objects.requireNonNull(authorities, "authorities");
      return this;
    }

    /**
     * What a provider asks of its consumers' certificates; by default {@link ClientAuth#REQUIRE}
     * when {@link #tlsTrusted} is set, else {@link ClientAuth#NONE}.
     */
    public Builder tlsClientAuth(ClientAuth clientAuth) {
      this.tlsClientAuth = java.util.Objects.requireNonNull(clientAuth, "clientAuth");
      return this;
    }

    /**
     * Whether a consumer checks that a provider's certificate names the host the provider
     * registered (a DNS name or IP address in its subject alternative names); true by default.
     */
    public Builder tlsVerifyHostname(boolean verify) {
      this.tlsVerifyHostname = verify;
      return this;
    }

    /**
     * ZooKeeper connect string ({@code host:port[,host:port...][/chroot]}). Not set (the default)
     * means 127.0.0.1:2181, with an embedded ZooKeeper started there if nothing answers.
     */
    public Builder registry(String connectString) {
      if (connectString != null && connectString.isBlank()) {
        throw new IllegalArgumentException("option 'registry': must not be blank");
      }
      if (connectString != null) {
        try {
          ConnectString.parse(connectString);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("option 'registry': " + e.getMessage(), e);
        }
      }
      this.registry = connectString == null ? null : connectString.trim();
      return this;
    }

    /** The address consumers use to reach this provider. */
    public Builder host(String host) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("option 'host': must not be blank");
      }
      this.host = host.trim();
      return this;
    }

    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("option 'port': " + port + " is not in 0-65535");
      }
      this.port = port;
      return this;
    }

    /**
     * Serves an admin HTTP endpoint on {@code port} (0 for any free port), on the address the
     * provider listens on: {@code /metrics} in the Prometheus text format, {@code /health/live} and
     * {@code /health/ready} (see the README's "Admin endpoint"). Its metrics are those of {@link
     * #meterRegistry} if that is a Prometheus registry; without a registry, the runtime keeps a
     * Prometheus one of its own, which needs {@code micrometer-registry-prometheus} on the class
     * path (the agent jar has it).
     */
    public Builder adminPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("option 'adminport': " + port + " is not in 0-65535");
      }
      this.adminPort = port;
      return this;
    }

    /**
     * Also publishes Farcall's meters as MBeans of the platform MBean server, in the domain {@code
     * farcall} (JConsole shows them; the Prometheus JMX exporter can scrape them). Needs {@code
     * micrometer-registry-jmx} on the class path (the agent jar has it).
     */
    public Builder jmx(boolean on) {
      this.jmx = on;
      return this;
    }

    public Builder timeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("option 'timeout': must be positive, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    public Builder basePath(String basePath) {
      if (basePath == null
          || !basePath.startsWith("/")
          || basePath.length() < 2
          || basePath.endsWith("/")) {
        throw new IllegalArgumentException(
            "option 'basepath': '"
                + basePath
                + "' must start with / and not end with /, e.g. /farcall");
      }
      this.basePath = basePath;
      return this;
    }

    public Builder maxFrameSize(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException(
            "option 'maxframesize': must be at least 1024 bytes, got " + bytes);
      }
      this.maxFrameSize = bytes;
      return this;
    }

    /**
     * The largest frame header, metadata included, that is accepted (default 16 KiB): a peer whose
     * header is larger is cut off before the header is parsed.
     */
    public Builder maxHeaderSize(int bytes) {
      if (bytes < 256) {
        throw new IllegalArgumentException(
            "option 'maxheadersize': must be at least 256 bytes, got " + bytes);
      }
      this.limits = limits.withMaxHeaderSize(bytes);
      return this;
    }

    /**
     * The most metadata entries one frame header may carry (default 64); counted before parsing.
     */
    public Builder maxMetadataEntries(int n) {
      atLeast("maxmetadataentries", n, 0);
      this.limits =
          new ConnectionLimits(
              limits.maxHeaderSize(),
              n,
              limits.frameTimeout(),
              limits.maxPartialFrameBytes(),
              limits.highWaterMark(),
              limits.maxQueuedBytes(),
              limits.maxQueuedBytesTotal());
      return this;
    }

    /**
     * How long a frame may take to arrive once its first bytes did (default 10 s). A peer that
     * trickles a frame is cut off after it, however steadily it sends.
     */
    public Builder frameTimeout(Duration d) {
      this.limits = limits.withFrameTimeout(positive("frametimeout", d));
      return this;
    }

    /**
     * The memory that frames still arriving may hold across all connections (default 64 MiB); the
     * connection whose frame would take more is closed.
     */
    public Builder maxPartialFrameBytes(long bytes) {
      this.limits = limits.withMaxPartialFrameBytes(atLeast("maxpartialframebytes", bytes, 1024));
      return this;
    }

    /**
     * Bytes waiting to be written to one peer above which its connection stops reading (default 1
     * MiB); it reads again once they drain below half. On a provider, the new requests of a
     * consumer that does not read its replies wait in its socket meanwhile.
     */
    public Builder highWaterMark(int bytes) {
      int mark = (int) atLeast("highwatermark", bytes, 2);
      if (mark > limits.maxQueuedBytes()) {
        throw new IllegalArgumentException(
            "option 'highwatermark': "
                + mark
                + " is more than maxqueuedbytes ("
                + limits.maxQueuedBytes()
                + ")");
      }
      this.limits = limits.withQueued(mark, limits.maxQueuedBytes(), limits.maxQueuedBytesTotal());
      return this;
    }

    /**
     * Bytes waiting to be written to one peer (default 64 MiB) beyond which a provider closes the
     * connection, since a consumer that does not read cannot make it keep everything it sends it;
     * and a consumer refuses further requests to that provider before they are sent (retryably).
     */
    public Builder maxQueuedBytes(long bytes) {
      long max = atLeast("maxqueuedbytes", bytes, limits.highWaterMark());
      this.limits = limits.withQueued(limits.highWaterMark(), max, limits.maxQueuedBytesTotal());
      return this;
    }

    /**
     * Bytes waiting to be written across all of a provider's connections (default 128 MiB); beyond,
     * a connection backlogged past its high-water mark is closed at its next write.
     */
    public Builder maxQueuedBytesTotal(long bytes) {
      long max = atLeast("maxqueuedbytestotal", bytes, 1024);
      this.limits = limits.withQueued(limits.highWaterMark(), limits.maxQueuedBytes(), max);
      return this;
    }

    /**
     * The most bytes of request bodies a provider holds at once, from their arrival to the end of
     * their calls (default: a thirty-second of the heap, at least the largest frame). A request
     * that would take more is refused with the retryable overloaded status, unless nothing else is
     * held.
     */
    public Builder maxDecodingBytes(long bytes) {
      this.maxDecodingBytes = atLeast("maxdecodingbytes", bytes, 1024);
      return this;
    }

    /**
     * How much the keys of one hash set or map in a body may collide (default 64): on average, a
     * key may share its hash code with this many others. A body whose keys collide more is refused,
     * because putting them in a hash table would take quadratic time.
     */
    public Builder maxHashCollisions(int n) {
      this.maxHashCollisions = atLeast("maxhashcollisions", n, 1);
      return this;
    }

    public Builder ioThreads(int n) {
      this.ioThreads = atLeast("iothreads", n, 1);
      return this;
    }

    /** Threads that run application code on the provider. */
    public Builder executorThreads(int n) {
      this.executorThreads = atLeast("threads", n, 1);
      return this;
    }

    /**
     * Calls that may wait for a provider thread; beyond it, calls are refused at once with the
     * retryable overloaded status.
     */
    public Builder executorQueue(int n) {
      this.executorQueue = atLeast("queue", n, 0);
      return this;
    }

    /** Threads that complete the futures of asynchronous calls. */
    public Builder callbackThreads(int n) {
      this.callbackThreads = atLeast("callbackthreads", n, 1);
      return this;
    }

    public Builder connectTimeout(Duration d) {
      this.connectTimeout = positive("connecttimeout", d);
      return this;
    }

    public Builder sessionTimeout(Duration d) {
      this.sessionTimeout = positive("sessiontimeout", d);
      return this;
    }

    public Builder heartbeatInterval(Duration d) {
      this.heartbeatInterval = positive("heartbeat", d);
      return this;
    }

    /** How long {@link Farcall#close()} lets calls in flight finish. */
    public Builder shutdownGrace(Duration d) {
      if (d == null || d.isNegative()) {
        throw new IllegalArgumentException(
            "option 'shutdowngrace': must not be negative, got " + d);
      }
      this.shutdownGrace = d;
      return this;
    }

    /** How calls pick a provider where the interface's {@code @Remote} does not say. */
    public Builder loadBalance(LoadBalance loadBalance) {
      if (loadBalance == null || loadBalance == LoadBalance.DEFAULT) {
        throw new IllegalArgumentException(
            "option 'loadbalance': must be one of least_loaded, round_robin, random, consistent_hash");
      }
      this.loadBalance = loadBalance;
      return this;
    }

    /** This provider's weight (1-1000, default 10): its share of calls relative to others. */
    public Builder weight(int weight) {
      if (weight < 1 || weight > 1000) {
        throw new IllegalArgumentException("option 'weight': " + weight + " is not in 1-1000");
      }
      this.weight = weight;
      return this;
    }

    /** Types that may travel in calls besides those derived from the {@code @Remote} interfaces. */
    public Builder allowTypes(Class<?>... types) {
      this.allowedTypes.addAll(List.of(types));
      return this;
    }

    /**
     * As {@link #allowTypes(Class...)}, by name: a class's binary name, or a package as {@code
     * acme.model.*} for every class of that package (not its subpackages) that the application's
     * class loader finds in a directory or jar. For when the classes are not at hand, as for the
     * agent's {@code allowtypes} option.
     */
    public Builder allowTypes(String... names) {
      this.allowedTypeNames.addAll(List.of(names));
      return this;
    }

    /**
     * Adds an interceptor: a {@link ClientInterceptor} (every call a stub of this runtime makes
     * goes through it), a {@link ServerInterceptor} (every call it serves does), or one object that
     * is both. Each side runs its interceptors in the order added, the first outermost.
     *
     * @throws IllegalArgumentException if it is neither
     */
    public Builder intercept(Interceptor interceptor) {
      java.util.Objects.requireNonNull(interceptor, "interceptor");
      if (!(interceptor instanceof ClientInterceptor)
          && !(interceptor instanceof ServerInterceptor)) {
        throw new IllegalArgumentException(
            interceptor.getClass().getName()
                + " implements neither ClientInterceptor nor ServerInterceptor");
      }
      if (interceptor instanceof ClientInterceptor c) {
        clientInterceptors.add(c);
      }
      if (interceptor instanceof ServerInterceptor s) {
        serverInterceptors.add(s);
      }
      return this;
    }

    /**
     * Registers Farcall's meters (calls, durations, sizes, the provider's executor, providers and
     * the registry connection; see the README's "Metrics") in {@code registry}, so that they are
     * published wherever the application's Micrometer registry publishes. Without one (the
     * default), Farcall keeps no metrics and its calls pay nothing for them.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = java.util.Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Traces calls with {@code openTelemetry}: a client span for each call this runtime makes and a
     * server span for each it serves, their context carried in the call's metadata (see the
     * README's "Tracing with OpenTelemetry"). Without one (the default), calls are traced with the
     * global OpenTelemetry once the application sets it, or the OpenTelemetry Java agent's when it
     * is attached; without either, tracing costs nothing.
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = java.util.Objects.requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /**
     * {@code false} records no span and passes no trace context, even with OpenTelemetry present;
     * {@code true} is the default.
     */
    public Builder tracing(boolean on) {
      this.tracing = on;
      return this;
    }

    /**
     * Logs every call once it ended, on each side, at INFO to the Log4j logger {@code
     * farcall.access}: side, service, method, peer, status, duration and trace id (see the README's
     * "Access log"). Off by default.
     */
    public Builder accessLog(boolean on) {
      this.accessLog = on;
      return this;
    }

    /**
     * Adds interceptor classes by name, as the {@code interceptors} option does: each must
     * implement {@link ClientInterceptor}, {@link ServerInterceptor} or both, and have a public
     * no-argument constructor. They run after the interceptors added as objects.
     */
    public Builder interceptors(String... classNames) {
      interceptorNames.addAll(List.of(classNames));
      return this;
    }

    /**
     * Sets a setting by its option name (see {@link FarcallSettings#OPTION_NAMES}).
     *
     * @throws IllegalArgumentException naming the option and what it accepts, for an unknown name
     *     or a bad value
     */
    public Builder option(String name, String value) {
      BiConsumer<Builder, String> setter = OPTIONS.get(name.trim().toLowerCase(Locale.ROOT));
      if (setter == null) {
        throw new IllegalArgumentException(
            "unknown option '"
                + name
                + "'; known options: "
                + String.join(", ", OPTION_NAMES.keySet()));
      }
      setter.accept(this, value);
      return this;
    }

    private static int atLeast(String key, int n, int min) {
      return (int) atLeast(key, (long) n, min);
    }

    private static long atLeast(String key, long n, long min) {
      if (n < min) {
        throw new IllegalArgumentException(
            "option '" + key + "': must be at least " + min + ", got " + n);
      }
      return n;
    }

    private static Duration positive(String key, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("option '" + key + "': must be positive, got " + d);
      }
      return d;
    }

    /** The settings, without starting anything. */
    public FarcallSettings settings() {
      return new FarcallSettings(this);
    }

    /**
     * Starts a runtime with these settings: connects to the registry (or starts the zero-config
     * embedded one) and prepares the client side. The server starts with the first export.
     *
     * @throws io.farcall.RpcException as {@link Farcall#start} does
     */
    public Farcall build() {
      return Farcall.start(settings());
    }
  }
}
