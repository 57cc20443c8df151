package io.farcall.runtime.internal.invoke;

/**
 * The call a provider thread is serving, so that calls it makes while serving inherit its deadline
 * and its cancellation, and application code can ask about them ({@link
 * io.farcall.runtime.CurrentCall}). Only set while provider code runs synchronously on a Farcall
 * executor thread, or on an I/O thread for {@link io.farcall.NonBlocking} code.
 */
public final class CallContext {
  /** What a served call exposes to the code serving it. */
  interface Served {
    /** The deadline in {@link System#nanoTime()} terms, or 0 for none. */
    long deadlineNanos();

    /** Whether the caller gave up on the call. */
    boolean isCancelled();

    /** Whether it runs on the I/O thread that read it ({@link io.farcall.NonBlocking}). */
    boolean onIoThread();
  }

  private static final ThreadLocal<Served> CURRENT = new ThreadLocal<>();

  private CallContext() {}

  /** The inherited deadline in {@link System#nanoTime()} terms, or 0 for none. */
  static long deadlineNanos() {
    Served s = CURRENT.get();
    return s == null ? 0 : s.deadlineNanos();
  }

  /** Sets the served call; returns the previous one, to restore with {@link #restore}. */
  static Served enter(Served call) {
    Served previous = CURRENT.get();
    CURRENT.set(call);
    return previous;
  }

  static void restore(Served previous) {
    // set(null), not remove(): the next enter() on this (executor) thread then reuses the entry
    // instead of allocating one.
    CURRENT.set(previous);
  }

  /**
   * Nanoseconds left before the deadline of the call this thread serves (negative once passed), or
   * {@link Long#MAX_VALUE} when it serves none or the call has no deadline.
   */
  public static long remainingNanos() {
    long deadline = deadlineNanos();
    return deadline == 0 ? Long.MAX_VALUE : deadline - System.nanoTime();
  }

  /**
   * Whether this thread serves a {@link io.farcall.NonBlocking} call on an I/O thread, where
   * waiting for a reply would stall every connection of that thread.
   */
  static boolean onIoThread() {
    Served s = CURRENT.get();
    return s != null && s.onIoThread();
  }

  /** Whether this thread serves a call whose caller gave up. */
  public static boolean cancelled() {
    Served s = CURRENT.get();
    return s != null && s.isCancelled();
  }
}
