package io.farcall.runtime.internal.invoke;

import io.farcall.Metadata;
import io.farcall.RemoteCall;
import io.farcall.internal.CurrentCalls;

/**
 * The call a provider thread is serving, so that calls it makes while serving inherit its deadline,
 * its cancellation and its following metadata, and application code can ask about them ({@link
 * io.farcall.CurrentCall}). Only set while provider code runs synchronously on a Farcall executor
 * thread, or on an I/O thread for {@link io.farcall.NonBlocking} code. The thread-local itself is
 * the API's ({@link CurrentCalls}), so that provider code compiled against the annotations alone
 * reads what this runtime sets.
 */
final class CallContext {
  /** What a served call exposes to the calls made while serving it. */
  interface Served extends RemoteCall {
    /** The deadline in {@link System#nanoTime()} terms, or 0 for none. */
    long deadlineNanos();

    /** Whether it runs on the I/O thread that read it ({@link io.farcall.NonBlocking}). */
    boolean onIoThread();

    /** Its metadata if it has any (without creating it), else null. */
    Metadata metadataIfAny();
  }

  private CallContext() {}

  /** The call this thread serves, or null. */
  static Served served() {
    return CurrentCalls.get() instanceof Served s ? s : null;
  }

  /** The inherited deadline in {@link System#nanoTime()} terms, or 0 for none. */
  static long deadlineNanos(Served s) {
    return s == null ? 0 : s.deadlineNanos();
  }

  /** Sets the served call; returns the previous one, to restore with {@link #restore}. */
  static RemoteCall enter(Served call) {
    return CurrentCalls.enter(call);
  }

  static void restore(RemoteCall previous) {
    CurrentCalls.restore(previous);
  }

  /**
   * Whether this thread serves a {@link io.farcall.NonBlocking} call on an I/O thread, where
   * waiting for a reply would stall every connection of that thread.
   */
  static boolean onIoThread(Served s) {
    return s != null && s.onIoThread();
  }

  /** Whether this thread serves a call whose caller gave up. */
  static boolean cancelled(Served s) {
    return s != null && s.isCancelled();
  }

  /**
   * New metadata holding the following entries of {@code served}, for a call made while serving it;
   * null when there are none.
   */
  static Metadata inherited(Served served) {
    Metadata from = served == null ? null : served.metadataIfAny();
    if (from == null) {
      return null;
    }
    Metadata m = null;
    for (int i = 0; i < from.size(); i++) {
      if (from.isFollowingAt(i)) {
        if (m == null) {
          m = new Metadata();
        }
        m.putFollowing(from.keyAt(i), from.valueAt(i));
      }
    }
    return m;
  }
}
