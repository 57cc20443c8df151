package io.farcall.runtime.internal.discovery;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a {@link Registry} reaches ZooKeeper.
 *
 * @param connectString the ZooKeeper connect string ({@code host:port,host:port[/chroot]}); null or
 *     blank means zero-config: use a ZooKeeper on 127.0.0.1:2181, starting an embedded one there if
 *     nothing answers
 * @param basePath the ZNode under which every service is registered, e.g. {@code /farcall}
 * @param sessionTimeout the ZooKeeper session timeout: how long a provider that vanished stays
 *     registered
 * @param connectTimeout how long {@link Registry#start} may wait for the first connection (and, in
 *     zero-config, for the embedded server), and how long creating a directory may wait for its
 *     initial load
 * @param cacheDirectory where the providers last seen are saved for a start while ZooKeeper is
 *     down; null means the per-user default: {@code $XDG_CACHE_HOME/farcall} or {@code
 *     ~/.cache/farcall}, or {@code <java.io.tmpdir>/farcall-<user name>} if that cannot be written
 * @param security how the registry authenticates to ZooKeeper and protects its nodes
 * @throws IllegalArgumentException if the connect string does not parse, the base path is not an
 *     absolute ZooKeeper path, or a timeout is not positive
 */
public record RegistryConfig(
    String connectString,
    String basePath,
    Duration sessionTimeout,
    Duration connectTimeout,
    Path cacheDirectory,
    RegistrySecurity security) {

  public static final String DEFAULT_BASE_PATH = "/farcall";

  /**
   * The default session timeout, here and in every setting derived from it ({@code
   * sessiontimeout}).
   */
  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(30);

  /**
   * The default connect timeout, here and in every setting derived from it ({@code
   * connecttimeout}).
   */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);

  public RegistryConfig {
    requireNonNull(basePath, "basePath");
    requireNonNull(sessionTimeout, "sessionTimeout");
    requireNonNull(connectTimeout, "connectTimeout");
    requireNonNull(security, "security");
    if (!basePath.startsWith("/") || basePath.length() < 2 || basePath.endsWith("/")) {
      throw new IllegalArgumentException(
          "basePath must be an absolute ZooKeeper path such as /farcall, was '" + basePath + "'");
    }
    checkMillis("sessionTimeout", sessionTimeout);
    checkMillis("connectTimeout", connectTimeout);
    connectString = connectString == null || connectString.isBlank() ? null : connectString.trim();
    if (connectString != null) {
      ConnectString.parse(connectString);
    }
  }

  /** A configuration with the default cache directory, and no ZooKeeper authentication. */
  public RegistryConfig(
      String connectString, String basePath, Duration sessionTimeout, Duration connectTimeout) {
    this(connectString, basePath, sessionTimeout, connectTimeout, null, RegistrySecurity.NONE);
  }

  /** No ZooKeeper authentication. */
  public RegistryConfig(
      String connectString,
      String basePath,
      Duration sessionTimeout,
      Duration connectTimeout,
      Path cacheDirectory) {
    this(
        connectString,
        basePath,
        sessionTimeout,
        connectTimeout,
        cacheDirectory,
        RegistrySecurity.NONE);
  }

  /** Zero-config, and the default base path, session timeout and connect timeout. */
  public static RegistryConfig defaults() {
    return new RegistryConfig(
        null, DEFAULT_BASE_PATH, DEFAULT_SESSION_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, null);
  }

  /** The defaults with the given connect string (null or blank: zero-config). */
  public static RegistryConfig of(String connectString) {
    return defaults().withConnectString(connectString);
  }

  public RegistryConfig withConnectString(String connectString) {
    return new RegistryConfig(
        connectString, basePath, sessionTimeout, connectTimeout, cacheDirectory, security);
  }

  public RegistryConfig withBasePath(String basePath) {
    return new RegistryConfig(
        connectString, basePath, sessionTimeout, connectTimeout, cacheDirectory, security);
  }

  public RegistryConfig withSessionTimeout(Duration sessionTimeout) {
    return new RegistryConfig(
        connectString, basePath, sessionTimeout, connectTimeout, cacheDirectory, security);
  }

  public RegistryConfig withConnectTimeout(Duration connectTimeout) {
    return new RegistryConfig(
        connectString, basePath, sessionTimeout, connectTimeout, cacheDirectory, security);
  }

  /** This configuration saving providers under {@code cacheDirectory} (null: the default). */
  public RegistryConfig withCacheDirectory(Path cacheDirectory) {
    return new RegistryConfig(
        connectString, basePath, sessionTimeout, connectTimeout, cacheDirectory, security);
  }

  /** This configuration authenticating and protecting nodes as {@code security} says. */
  public RegistryConfig withSecurity(RegistrySecurity security) {
    return new RegistryConfig(
        connectString, basePath, sessionTimeout, connectTimeout, cacheDirectory, security);
  }

  /** Whether no connect string is configured. */
  public boolean isZeroConfig() {
    return connectString == null;
  }

  private static void checkMillis(String name, Duration value) {
    if (value.isNegative() || value.isZero() || value.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          name + " must be positive and fit in int millis: " + value);
    }
  }
}
