package io.farcall.internal;

import io.farcall.RemoteCall;

/**
 * The remote call each provider thread serves, set by Farcall's runtime around the code that serves
 * it and read by {@link io.farcall.CurrentCall}. It lives in the API so that provider code compiled
 * against {@code rpc-annotations} alone and the runtime (the agent's or the library's) meet in the
 * same class. Internal: application code reads {@link io.farcall.CurrentCall} instead.
 */
public final class CurrentCalls {
  private static final ThreadLocal<RemoteCall> CURRENT = new ThreadLocal<>();

  private CurrentCalls() {}

  /** The call this thread serves, or null. */
  public static RemoteCall get() {
    return CURRENT.get();
  }

  /** Makes {@code call} this thread's; returns the previous one, for {@link #restore}. */
  public static RemoteCall enter(RemoteCall call) {
    RemoteCall previous = CURRENT.get();
    CURRENT.set(call);
    return previous;
  }

  /** Puts back what {@link #enter} returned. */
  public static void restore(RemoteCall previous) {
    // set(null), not remove(): the next enter() on this (executor) thread then reuses the entry
    // instead of allocating one.
    CURRENT.set(previous);
  }
}
