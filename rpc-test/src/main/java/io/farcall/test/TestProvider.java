package io.farcall.test;

import io.farcall.RemoteCall;
import io.farcall.ServerInterceptor;
import io.farcall.runtime.Farcall;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A provider a {@link FarcallExtension} started: a Farcall runtime of its own, serving one exported
 * object. A test can slow it down or stop it, to see how its code copes.
 */
public final class TestProvider {
  private final Farcall runtime;
  private final List<String> services;
  private final Delay delay;

  TestProvider(Farcall runtime, List<String> services, Delay delay) {
    this.runtime = runtime;
    this.services = services;
    this.delay = delay;
  }

  /** The names of the services it serves. */
  public List<String> services() {
    return services;
  }

  /** The address it listens on. */
  public InetSocketAddress address() {
    return runtime.localAddress();
  }

  /** Its runtime. */
  public Farcall runtime() {
    return runtime;
  }

  /**
   * From now on, every call waits {@code extra} before the method runs (or until its caller gives
   * up, whichever comes first); {@link Duration#ZERO} restores full speed. Calls already running
   * are not affected.
   */
  public void slowDown(Duration extra) {
    if (extra.isNegative()) {
      throw new IllegalArgumentException("a negative delay: " + extra);
    }
    delay.nanos = extra.toNanos();
  }

  /**
   * Stops it as a provider stops in production: deregisters its services, tells its consumers to go
   * elsewhere, lets the calls in flight finish, and closes. Returns when it has. Idempotent.
   */
  public void stop() {
    runtime.close();
  }

  @Override
  public String toString() {
    return "TestProvider" + services + "@" + address();
  }

  /** The server interceptor behind {@link #slowDown}. */
  static final class Delay implements ServerInterceptor {
    volatile long nanos;

    @Override
    public Object intercept(RemoteCall call, Chain chain) throws Throwable {
      long wait = nanos;
      if (wait > 0) {
        long end = System.nanoTime() + wait;
        for (long left = wait; left > 0 && !call.isCancelled(); left = end - System.nanoTime()) {
          LockSupport.parkNanos(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)));
        }
      }
      return chain.proceed();
    }
  }
}
