package io.farcall.runtime.internal.invoke;

import com.google.common.math.LongMath;
import io.farcall.runtime.internal.codec.proto.Header;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A request header's deadline fields, in this JVM's {@link System#nanoTime()} terms. */
final class WireDeadline {
  private WireDeadline() {}

  /** How far wall clocks may disagree before the absolute deadline in a header is distrusted. */
  static final long CLOCK_SKEW_ALLOWANCE_MICROS = 250_000;

  /**
   * The longest time a call may be given, about 73 years: any longer one (up to {@code
   * Long.MAX_VALUE} microseconds) means the same, and stays clear of overflow in the {@code
   * deadline - System.nanoTime()} comparisons.
   */
  static final long MAX_TIME_LEFT_NANOS = Long.MAX_VALUE / 4;

  static long local(Header h) {
    return local(h.getTimeoutMicros(), h.getDeadlineUnixMicros());
  }

  /**
   * The request's deadline in {@link System#nanoTime()} terms (0 for none). The time left when the
   * request was sent, counted from its arrival, is robust against clocks that disagree; but a
   * request that waited in a socket buffer (a provider frozen by SIGSTOP or a long GC pause reads
   * it late) would get its whole time again. The absolute deadline catches that: it wins when it is
   * earlier by more than the clock-skew allowance.
   */
  static long local(long timeoutMicros, long deadlineUnixMicros) {
    if (timeoutMicros <= 0) {
      return 0;
    }
    long now = System.nanoTime();
    long left = LongMath.saturatedMultiply(timeoutMicros, 1000);
    if (deadlineUnixMicros > 0) {
      long nowUnixMicros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
      long absoluteLeftMicros =
          LongMath.saturatedAdd(
              LongMath.saturatedSubtract(deadlineUnixMicros, nowUnixMicros),
              CLOCK_SKEW_ALLOWANCE_MICROS);
      left = Math.min(left, LongMath.saturatedMultiply(absoluteLeftMicros, 1000));
    }
    return now + Math.max(Math.min(left, MAX_TIME_LEFT_NANOS), -MAX_TIME_LEFT_NANOS);
  }
}
