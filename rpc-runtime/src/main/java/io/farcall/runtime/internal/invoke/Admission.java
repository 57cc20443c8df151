package io.farcall.runtime.internal.invoke;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a provider lets in: a bounded number of calls running or waiting for a thread, a bounded
 * number of bytes of request bodies held, and nothing new once it drains. Each {@link
 * ExportedService} counts its own calls in flight, for shutdown to wait for. Thread-safe.
 */
final class Admission {
  private final Semaphore slots;
  private final int limit;
  private final int threads;

  /** Bytes of request bodies held, from admission to the end of their calls. */
  private final AtomicLong held = new AtomicLong();

  private final long maxHeld;
  private volatile boolean draining;

  /**
   * @param threads the executor's threads
   * @param maxQueued how many admitted calls may wait for a thread
   * @param maxHeldBytes the most bytes of request bodies held at once: a request that would take
   *     more is refused, unless nothing else is held, so that one request of any size can always
   *     run
   */
  Admission(int threads, int maxQueued, long maxHeldBytes) {
    this.threads = threads;
    this.limit = threads + maxQueued;
    this.slots = new Semaphore(limit);
    this.maxHeld = maxHeldBytes;
  }

  boolean draining() {
    return draining;
  }

  /** From now on {@link #draining()} says so: new calls are refused. */
  void drain() {
    draining = true;
  }

  /** Takes a slot for a call, if one is free. */
  boolean tryEnter() {
    return slots.tryAcquire();
  }

  /** Why a call found no slot. */
  String slotsRefusal() {
    return "provider overloaded: " + limit + " calls running or waiting (" + threads + " threads)";
  }

  /** Gives back a slot {@link #tryEnter} took. */
  void exit() {
    slots.release();
  }

  /** Takes {@code bytes} of the held-bytes budget, if they fit or nothing is held. */
  boolean hold(int bytes) {
    while (true) {
      long now = held.get();
      if (now > 0 && now + bytes > maxHeld) {
        return false;
      }
      if (held.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  /** Why a request of {@code bodyBytes} was refused for the held-bytes budget. */
  String heldRefusal(int bodyBytes) {
    return "provider overloaded: it holds "
        + held.get()
        + " bytes of requests, and this one's "
        + bodyBytes
        + " would take it over the limit of "
        + maxHeld
        + " (setting maxdecodingbytes)";
  }

  /** Gives back {@code bytes} that {@link #hold} took. */
  void unhold(int bytes) {
    held.addAndGet(-bytes);
  }
}
