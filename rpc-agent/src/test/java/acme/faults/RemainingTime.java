package acme.faults;

import io.farcall.CurrentCall;
import java.time.Duration;

/**
 * The time left before the deadline of the call this provider thread is serving, as Farcall's
 * {@link CurrentCall} reports it (the agent jar carries that class; the runtime it answers for is
 * the agent's).
 */
final class RemainingTime {
  private RemainingTime() {}

  /** Microseconds left, or {@link Long#MAX_VALUE} if the call has no deadline. */
  static long micros() {
    return CurrentCall.remaining()
        .map(Duration::toNanos)
        .map(n -> n / 1_000)
        .orElse(Long.MAX_VALUE);
  }
}
