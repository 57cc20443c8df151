package io.farcall.runtime.internal.metrics;

import io.farcall.CallStatus;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * What one runtime tells its metrics. {@link #NONE} when no meter registry was given: then every
 * method's {@link CallMetrics} is null, which calls test for, so that without metrics a call
 * neither reads the clock nor makes a virtual call for them. Thread-safe.
 */
public interface RuntimeMetrics {
  /** No metrics. */
  RuntimeMetrics NONE = new RuntimeMetrics() {};

  /** The metrics of a stub's method, or null for none. */
  default CallMetrics client(String service, String method, Class<?>[] declaredExceptions) {
    return null;
  }

  /** The metrics of an exported method, or null for none. */
  default CallMetrics server(String service, String method, Class<?>[] declaredExceptions) {
    return null;
  }

  /**
   * The provider's executor: threads running application code now, calls admitted and waiting for a
   * thread, and the most threads.
   */
  default void executor(IntSupplier busy, IntSupplier queued, int threads) {}

  /** The provider refused a request before it started, with {@code status}. */
  default void providerRefused(CallStatus status) {}

  /** A consumer stopped sending calls to {@code provider} (host:port) for failing. */
  default void ejected(String provider) {}

  /** A consumer sends calls to {@code provider} again. */
  default void readmitted(String provider) {}

  /** A consumer's connections: {@code delta} more (or fewer) to {@code provider}. */
  default void connections(String provider, int delta) {}

  /** The registry connection: whether connected now. */
  default void registry(BooleanSupplier connected) {}

  /** The ZooKeeper session changed (a new session after expiry, or the first one). */
  default void sessionChanged() {}

  /**
   * A service's directory: the providers it knows now, and when it last heard from ZooKeeper
   * ({@link System#currentTimeMillis()}; 0 if never).
   */
  default void directory(String service, IntSupplier providers, LongSupplier lastUpdateMillis) {}
}
