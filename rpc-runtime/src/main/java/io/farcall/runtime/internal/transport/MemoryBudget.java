package io.farcall.runtime.internal.transport;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes held across the connections of one transport, against a limit: what the connections' frames
 * still arriving hold, or what waits to be written to their peers. Each connection adds what it
 * takes and takes back what it frees; a connection that pushes the total over the limit is the one
 * to cut off. Thread-safe.
 */
final class MemoryBudget {
  private final AtomicLong held = new AtomicLong();
  private final long limit;
  private final String setting;

  /**
   * @param setting the option that sets the limit, for messages
   */
  MemoryBudget(long limit, String setting) {
    this.limit = limit;
    this.setting = setting;
  }

  /** Adds {@code delta} (negative to give back) and returns the new total. */
  long add(long delta) {
    return held.addAndGet(delta);
  }

  boolean over(long total) {
    return total > limit;
  }

  long held() {
    return held.get();
  }

  /** Says the total and the limit, for a log line about a connection cut off for it. */
  String describe(long total) {
    return total
        + " bytes across all connections, over the limit of "
        + limit
        + " ("
        + setting
        + ")";
  }
}
