package io.farcall;

import io.farcall.internal.CurrentCalls;
import java.time.Duration;
import java.util.Optional;

/**
 * What provider code can learn about the remote call it serves, while it runs on the thread Farcall
 * called it on (and in {@link ServerInterceptor}s). Calls that code makes to other services inherit
 * the same deadline (the remaining time travels on), the call's {@linkplain Metadata#putFollowing
 * following} metadata, and fail at once once the caller has given up.
 */
public final class CurrentCall {
  private CurrentCall() {}

  /** The call this thread serves, or empty. */
  public static Optional<RemoteCall> get() {
    return Optional.ofNullable(CurrentCalls.get());
  }

  /**
   * The metadata of the call this thread serves, writable; empty and detached from any call when it
   * serves none.
   */
  public static Metadata metadata() {
    RemoteCall call = CurrentCalls.get();
    return call == null ? new Metadata() : call.metadata();
  }

  /**
   * The time left before the served call's deadline (zero or negative once it passed), or empty if
   * this thread is not serving a remote call with a deadline.
   */
  public static Optional<Duration> remaining() {
    RemoteCall call = CurrentCalls.get();
    long nanos = call == null ? Long.MAX_VALUE : call.remainingNanos();
    return nanos == Long.MAX_VALUE ? Optional.empty() : Optional.of(Duration.ofNanos(nanos));
  }

  /** Whether the caller of the served call gave up on it (its deadline passed or it cancelled). */
  public static boolean cancelled() {
    RemoteCall call = CurrentCalls.get();
    return call != null && call.isCancelled();
  }
}
