package io.farcall.runtime.internal.invoke;

import java.util.concurrent.atomic.LongAdder;

/**
 * Bounds retries so that a sick cluster is not flooded with them: every call earns {@code ratio} of
 * a retry (banking at most a cap), every retry spends one, and on top of that a small number of
 * retries per second is always allowed, so that a quiet client still fails over. In the long run
 * retries stay within {@code ratio} of the calls plus {@code minPerSecond}. Thread-safe; counting a
 * call is a lock-free increment, since every call does it.
 */
final class RetryBudget {
  private final double ratio;
  private final double cap;
  private final int minPerSecond;
  private final LongAdder calls = new LongAdder();

  // Guarded by this: retries spent against the earned allowance, and the per-second floor.
  private double spent;
  private long windowStartNanos = System.nanoTime();
  private int usedInWindow;

  /**
   * @param ratio share of calls that may be retried, e.g. 0.1 for 10% extra calls
   * @param minPerSecond retries allowed every second whatever the traffic
   */
  RetryBudget(double ratio, int minPerSecond) {
    this.ratio = ratio;
    this.minPerSecond = minPerSecond;
    this.cap = Math.max(10, 100 * ratio);
  }

  /** Farcall's default: at most 10% extra calls, and always 10 retries per second. */
  static RetryBudget standard() {
    return new RetryBudget(0.1, 10);
  }

  /** Records one call (its first attempt). */
  void onCall() {
    calls.increment();
  }

  /** Whether one more retry may be made now; if so, it is counted. */
  synchronized boolean tryRetry() {
    double earned = ratio * calls.sum();
    // A long quiet spell banks no more than the cap.
    if (earned - spent > cap) {
      spent = earned - cap;
    }
    if (earned - spent >= 1) {
      spent += 1;
      return true;
    }
    long now = System.nanoTime();
    if (now - windowStartNanos >= 1_000_000_000L) {
      windowStartNanos = now;
      usedInWindow = 0;
    }
    if (usedInWindow < minPerSecond) {
      usedInWindow++;
      return true;
    }
    return false;
  }
}
