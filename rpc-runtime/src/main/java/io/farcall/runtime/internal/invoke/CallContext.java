package io.farcall.runtime.internal.invoke;

/**
 * The deadline of the call a provider thread is serving, so that calls it makes while serving
 * inherit the remaining time. Only set while provider code runs synchronously on a Farcall executor
 * thread.
 */
final class CallContext {
  private static final ThreadLocal<long[]> DEADLINE = ThreadLocal.withInitial(() -> new long[1]);

  private CallContext() {}

  /** The inherited deadline in {@link System#nanoTime()} terms, or 0 for none. */
  static long deadlineNanos() {
    return DEADLINE.get()[0];
  }

  /** Sets the current deadline; returns the previous one, to restore with {@link #restore}. */
  static long enter(long deadlineNanos) {
    long[] slot = DEADLINE.get();
    long previous = slot[0];
    slot[0] = deadlineNanos;
    return previous;
  }

  static void restore(long previous) {
    DEADLINE.get()[0] = previous;
  }
}
