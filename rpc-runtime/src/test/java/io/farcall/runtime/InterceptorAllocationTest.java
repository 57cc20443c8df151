package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.runtime.testing.CountingInterceptor;
import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.GreeterImpl;
import io.farcall.runtime.testing.TestPki;
import io.farcall.runtime.testing.TestPki.Issued;
import io.farcall.runtime.testing.ZooKeeperExtension;
import io.netty.util.ResourceLeakDetector;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.apache.logging.log4j.LogManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interceptors that only count cost no allocation per call, on either side: a call is its own
 * chain, so neither an interceptor nor a step through one makes an object. Measured in bytes the
 * caller's thread and the provider's executor threads allocate per call, with one and with four
 * counting interceptors on both sides, and without any.
 */
class InterceptorAllocationTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  private static final int WARM_UP = 5_000;
  private static final int MEASURED = 5_000;

  /** Allowance per call for what is not the interceptors' (a stray resize, a log line). */
  private static final double NOISE_BYTES = 8;

  /**
   * What a call of a service with interceptors carries beyond one without, in the same one object:
   * its steps, its start time and its outcome (16 bytes of fields, so at most 24 with alignment).
   * One more object per call would be at least 16 bytes on top.
   */
  private static final double CHAIN_STATE_BYTES = 24;

  private static final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Test
  void countingInterceptorsOnBothSidesAllocateNothingPerCallOrPerInterceptor() {
    // Paranoid leak detection (the build's level) records every buffer access: kilobytes per call
    // on the I/O threads, and its noise would hide what is measured here. The paths measured are
    // the ones every other test class runs under paranoid detection.
    ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
    Cost none;
    Cost one;
    Cost four;
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    try {
      none = measure(0);
      one = measure(1);
      four = measure(4);
    } finally {
      ResourceLeakDetector.setLevel(level);
    }
    LogManager.getLogger(InterceptorAllocationTest.class)
        .info("bytes per call with no interceptor: {}, one: {}, four: {}", none, one, four);

    assertThat(four.callerBytes - one.callerBytes)
        .as("caller's bytes per call: %s with four interceptors, %s with one", four, one)
        .isLessThan(NOISE_BYTES);
    assertThat(four.providerBytes - one.providerBytes)
        .as("provider's bytes per call: %s with four interceptors, %s with one", four, one)
        .isLessThan(NOISE_BYTES);
    assertThat(one.callerBytes - none.callerBytes)
        .as("caller's bytes per call: %s with one interceptor, %s without", one, none)
        .isLessThan(CHAIN_STATE_BYTES + NOISE_BYTES);
    assertThat(one.providerBytes - none.providerBytes)
        .as("provider's bytes per call: %s with one interceptor, %s without", one, none)
        .isLessThan(CHAIN_STATE_BYTES + NOISE_BYTES);
  }

  @Test
  void authorizationWithASmallPolicyAllocatesNothingPerCall(@TempDir Path dir) throws Exception {
    TestPki ca = TestPki.authority(dir, "ca");
    Instant now = Instant.now();
    Issued server = ca.issue("provider");
    Issued client = ca.issue("caller", now.minusSeconds(60), now.plusSeconds(3600), "spiffe://t/c");
    Path policy =
        Files.writeString(
            dir.resolve("authz.txt"),
            Greeter.class.getName()
                + " add spiffe://t/c\n"
                + Greeter.class.getName()
                + " greet spiffe://t/other\n"
                + Greeter.class.getName()
                + " whoAmI spiffe://t/c, spiffe://t/admin\n* * spiffe://t/admin\n");
    UnaryOperator<FarcallSettings.Builder> mutualTls =
        b -> b.tls(FarcallSettings.TlsMode.ON).tlsTrusted(ca.authorityFile());
    ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
    Cost counted;
    Cost authorized;
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    try {
      // The same one interceptor's chain on both: only what the policy check itself costs differs.
      counted =
          measure(
              b ->
                  mutualTls
                      .apply(b)
                      .tlsCertificate(server.certificate(), server.key())
                      .intercept(new CountingInterceptor()),
              b -> mutualTls.apply(b).tlsCertificate(client.certificate(), client.key()));
      authorized =
          measure(
              b ->
                  mutualTls
                      .apply(b)
                      .tlsCertificate(server.certificate(), server.key())
                      .authorize(policy),
              b -> mutualTls.apply(b).tlsCertificate(client.certificate(), client.key()));
    } finally {
      ResourceLeakDetector.setLevel(level);
    }
    LogManager.getLogger(InterceptorAllocationTest.class)
        .info("bytes per call over mutual TLS, counted: {}, authorized: {}", counted, authorized);
    assertThat(authorized.providerBytes - counted.providerBytes)
        .as("provider's bytes per call: %s authorized, %s counted", authorized, counted)
        .isLessThan(NOISE_BYTES);
  }

  private record Cost(double callerBytes, double providerBytes) {}

  private static Cost measure(int interceptors) {
    return measure(
        b -> {
          for (int i = 0; i < interceptors; i++) {
            b.intercept(new CountingInterceptor());
          }
          return b;
        },
        b -> {
          for (int i = 0; i < interceptors; i++) {
            b.intercept(new CountingInterceptor());
          }
          return b;
        });
  }

  private static Cost measure(
      UnaryOperator<FarcallSettings.Builder> providerSettings,
      UnaryOperator<FarcallSettings.Builder> consumerSettings) {
    FarcallSettings.Builder provider =
        providerSettings.apply(Farcall.builder().registry(zk.connectString()));
    FarcallSettings.Builder consumer =
        consumerSettings.apply(
            Farcall.builder().registry(zk.connectString()).timeout(Duration.ofSeconds(10)));
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

  /**
   * What Farcall's threads allocated so far: the provider's executor threads, and the I/O threads
   * of both runtimes (where the provider's side of a call is created, and replies are matched).
   */
  private static long providerAllocatedBytes() {
    long sum = 0;
    for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null
          && (info.getThreadName().startsWith("farcall-io")
              || info.getThreadName().startsWith("farcall-exec"))) {
        sum += Math.max(0, threads.getThreadAllocatedBytes(info.getThreadId()));
      }
    }
    return sum;
  }
}
