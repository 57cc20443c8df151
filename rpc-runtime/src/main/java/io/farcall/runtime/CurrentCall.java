package io.farcall.runtime;

import io.farcall.runtime.internal.invoke.CallContext;
import java.time.Duration;
import java.util.Optional;

/**
 * What provider code can learn about the remote call it is serving, while it runs synchronously on
 * the thread Farcall called it on. Calls that code makes to other services inherit the same
 * deadline (the remaining time travels on) and fail at once once the caller has given up.
 */
public final class CurrentCall {
  private CurrentCall() {}

  /**
   * The time left before the served call's deadline (zero or negative once it passed), or empty if
   * this thread is not serving a remote call with a deadline.
   */
  public static Optional<Duration> remaining() {
    long nanos = CallContext.remainingNanos();
    return nanos == Long.MAX_VALUE ? Optional.empty() : Optional.of(Duration.ofNanos(nanos));
  }

  /** Whether the caller of the served call gave up on it (its deadline passed or it cancelled). */
  public static boolean cancelled() {
    return CallContext.cancelled();
  }
}
