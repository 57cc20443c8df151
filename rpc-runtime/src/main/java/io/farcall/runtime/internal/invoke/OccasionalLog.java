package io.farcall.runtime.internal.invoke;

import com.google.common.util.concurrent.RateLimiter;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.Logger;

/**
 * A warning that an attacker could make a provider repeat for every request: logged the first time,
 * then at most once every ten seconds, with how many times it happened in all. Thread-safe.
 */
final class OccasionalLog {
  private final Logger log;
  private final String what;
  private final RateLimiter rate = RateLimiter.create(0.1);
  private final AtomicLong count = new AtomicLong();

  /**
   * @param what what happened, for the line: "{what} ({n} so far): {detail}"
   */
  OccasionalLog(Logger log, String what) {
    this.log = log;
    this.what = what;
  }

  void warn(String detail) {
    long n = count.incrementAndGet();
    if (rate.tryAcquire()) {
      log.warn("{} ({} so far): {}", what, n, detail);
    }
  }
}
