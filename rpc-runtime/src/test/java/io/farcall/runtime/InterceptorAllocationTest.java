package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.runtime.testing.CountingInterceptor;
import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.GreeterImpl;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An interceptor that only counts costs no allocation per call, on either side: the call is its own
 * chain. Measured in bytes the caller's thread and the provider's executor threads allocate per
 * call, with and without a counting interceptor on both sides.
 */
class InterceptorAllocationTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  private static final int WARM_UP = 5_000;
  private static final int MEASURED = 5_000;

  /** Allowance per call for what is not the interceptor's (a stray resize, a log line). */
  private static final double NOISE_BYTES = 8;

  private static final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Test
  void aCountingInterceptorOnBothSidesAllocatesNothingPerCall() {
    Cost without = measure(false);
    Cost with = measure(true);
    org.apache.logging.log4j.LogManager.getLogger(InterceptorAllocationTest.class)
        .info("bytes per call without: {}, with a counting interceptor: {}", without, with);

    assertThat(with.callerBytes - without.callerBytes)
        .as("caller's bytes per call: %s with, %s without", with.callerBytes, without.callerBytes)
        .isLessThan(NOISE_BYTES);
    assertThat(with.providerBytes - without.providerBytes)
        .as(
            "provider's bytes per call: %s with, %s without",
            with.providerBytes, without.providerBytes)
        .isLessThan(NOISE_BYTES);
  }

  private record Cost(double callerBytes, double providerBytes) {}

  private static Cost measure(boolean counting) {
    FarcallSettings.Builder provider = Farcall.builder().registry(zk.connectString());
    FarcallSettings.Builder consumer =
        Farcall.builder().registry(zk.connectString()).timeout(Duration.ofSeconds(10));
    if (counting) {
      provider.intercept(new CountingInterceptor());
      consumer.intercept(new CountingInterceptor());
    }
    try (Farcall p = provider.build();
        Farcall c = consumer.build()) {
      p.export(new GreeterImpl("P"));
      Greeter greeter = c.stub(Greeter.class);
      Awaits.providersServe(greeter, "P");
      for (int i = 0; i < WARM_UP; i++) {
        greeter.add(1, 2);
      }
      long caller = threads.getCurrentThreadAllocatedBytes();
      long provided = providerAllocatedBytes();
      for (int i = 0; i < MEASURED; i++) {
        greeter.add(1, 2);
      }
      return new Cost(
          (threads.getCurrentThreadAllocatedBytes() - caller) / (double) MEASURED,
          (providerAllocatedBytes() - provided) / (double) MEASURED);
    }
  }

  /** What the provider's executor threads allocated so far. */
  private static long providerAllocatedBytes() {
    long sum = 0;
    for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("farcall-exec")) {
        long bytes = threads.getThreadAllocatedBytes(info.getThreadId());
        sum += Math.max(0, bytes);
      }
    }
    return sum;
  }
}
