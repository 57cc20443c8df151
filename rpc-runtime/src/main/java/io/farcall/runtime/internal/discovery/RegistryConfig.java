package io.farcall.runtime.internal.discovery;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How a {@link Registry} reaches ZooKeeper.
 *
 * @param connectString the ZooKeeper connect string ({@code host:port,host:port}); null or blank
 *     means zero-config: use a ZooKeeper on 127.0.0.1:2181, starting an embedded one there if
 *     nothing answers
 * @param basePath the ZNode under which every service is registered, e.g. {@code /farcall}
 * @param sessionTimeout the ZooKeeper session timeout: how long a provider that vanished stays
 *     registered
 * @param connectTimeout how long {@link Registry#start} may wait for the first connection (and, in
 *     zero-config, for the embedded server), and how long creating a directory may wait for its
 *     initial load
 */
public record RegistryConfig(
    String connectString, String basePath, Duration sessionTimeout, Duration connectTimeout) {

  public static final String DEFAULT_BASE_PATH = "/farcall";
  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(15);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  public RegistryConfig {
    requireNonNull(basePath, "basePath");
    requireNonNull(sessionTimeout, "sessionTimeout");
    requireNonNull(connectTimeout, "connectTimeout");
    if (!basePath.startsWith("/") || basePath.length() < 2 || basePath.endsWith("/")) {
      throw new IllegalArgumentException(
          "basePath must be an absolute ZooKeeper path such as /farcall, was '" + basePath + "'");
    }
    checkMillis("sessionTimeout", sessionTimeout);
    checkMillis("connectTimeout", connectTimeout);
    connectString = connectString == null || connectString.isBlank() ? null : connectString.trim();
  }

  /** Zero-config, base path {@code /farcall}, 15 s session timeout, 10 s connect timeout. */
  public static RegistryConfig defaults() {
    return new RegistryConfig(
        null, DEFAULT_BASE_PATH, DEFAULT_SESSION_TIMEOUT, DEFAULT_CONNECT_TIMEOUT);
  }

  /** The defaults with the given connect string (null or blank: zero-config). */
  public static RegistryConfig of(String connectString) {
    return defaults().withConnectString(connectString);
  }

  public RegistryConfig withConnectString(String connectString) {
    return new RegistryConfig(connectString, basePath, sessionTimeout, connectTimeout);
  }

  public RegistryConfig withBasePath(String basePath) {
    return new RegistryConfig(connectString, basePath, sessionTimeout, connectTimeout);
  }

  public RegistryConfig withSessionTimeout(Duration sessionTimeout) {
    return new RegistryConfig(connectString, basePath, sessionTimeout, connectTimeout);
  }

  public RegistryConfig withConnectTimeout(Duration connectTimeout) {
    return new RegistryConfig(connectString, basePath, sessionTimeout, connectTimeout);
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
