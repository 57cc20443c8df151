package io.farcall.runtime.internal.invoke;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One service this provider serves: its calls in flight, and whether it still takes new ones. A
 * service that is {@linkplain #withdraw withdrawn} (its object unexported) refuses new calls with
 * the retryable shutting-down status while those in flight finish. One per service name for the
 * provider's life: an export after a withdrawal takes calls again. Thread-safe.
 */
final class ExportedService {
  private final String name;
  private final Admission admission;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean withdrawn;

  /** Set while someone waits in {@link #awaitIdle}: only then does a call's end notify. */
  private volatile boolean watched;

  private int waiters; // guarded by this

  /** The provider stopped: calls never started will never end, so nobody waits for them. */
  private volatile boolean terminated;

  ExportedService(String name, Admission admission) {
    this.name = name;
    this.admission = admission;
  }

  String name() {
    return name;
  }

  /**
   * Counts a call in, unless the service is withdrawn or the provider drains; then returns false,
   * counting nothing. The count is taken before the flags are read, so a waiter that saw the flags
   * set and then no call in flight cannot miss a call that slipped in.
   */
  boolean enter() {
    inFlight.incrementAndGet();
    if (withdrawn || admission.draining()) {
      exit();
      return false;
    }
    return true;
  }

  /** Counts out a call {@link #enter} let in. */
  void exit() {
    if (inFlight.decrementAndGet() == 0 && watched) {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  /** From now on new calls are refused; {@link #reinstate} takes them again. */
  void withdraw() {
    withdrawn = true;
  }

  void reinstate() {
    withdrawn = false;
  }

  boolean withdrawn() {
    return withdrawn;
  }

  /** Why a call to this service was refused: withdrawn, or the whole provider shutting down. */
  String refusal() {
    return withdrawn && !admission.draining()
        ? "service '" + name + "' is no longer served here"
        : "provider is shutting down";
  }

  /** The provider has stopped: waiting for calls in flight ends. */
  void terminate() {
    terminated = true;
    synchronized (this) {
      notifyAll();
    }
  }

  /**
   * Waits until no call of this service is in flight, or the provider has stopped, up to {@code
   * deadlineNanos} (a {@link System#nanoTime()} value); returns whether none is (or the provider
   * stopped). Meant for after {@link #withdraw} or the provider's drain, when no new call starts.
   */
  boolean awaitIdle(long deadlineNanos) throws InterruptedException {
    synchronized (this) {
      waiters++;
      watched = true;
      try {
        while (inFlight.get() > 0 && !terminated) {
          long left = deadlineNanos - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
      } finally {
        if (--waiters == 0) {
          watched = false;
        }
      }
    }
  }
}
