package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.GreeterImpl;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A provider that stops under load deregisters before its close returns, and its consumers' calls
 * go on at the other provider without one failing.
 */
class ProviderStopTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  @Test
  void callsMoveToTheRemainingProviderWhenOneStopsMidTest() throws Exception {
    GreeterImpl implA = new GreeterImpl("A");
    GreeterImpl implB = new GreeterImpl("B");
    Farcall providerA =
        Farcall.builder().registry(zk.connectString()).shutdownGrace(Duration.ofSeconds(2)).build();
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try (Farcall providerB = Farcall.builder().registry(zk.connectString()).build();
        Farcall consumer = Farcall.builder().registry(zk.connectString()).build()) {
      providerA.export(implA);
      providerB.export(implB);
      Greeter greeter = consumer.stub(Greeter.class);
      Awaits.bothProvidersServe(greeter);

      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger ok = new AtomicInteger();
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 8; i++) {
        callers.submit(
            () -> {
              while (running.get()) {
                try {
                  greeter.whoAmI();
                  ok.incrementAndGet();
                } catch (RuntimeException e) {
                  failures.add(e);
                }
              }
            });
      }
      // The load reaches both before A stops.
      int aBefore = implA.calls.get();
      int bBefore = implB.calls.get();
      Poll.until(
          () -> implA.calls.get() > aBefore + 20 && implB.calls.get() > bBefore + 20,
          reached -> reached,
          Duration.ofSeconds(10));
      assertThat(implA.calls.get()).as("calls A served under load").isGreaterThan(aBefore + 20);
      int port = providerA.localAddress().getPort();
      providerA.close();
      int callsToAAfterClose = implA.calls.get();
      // Closed means deregistered: the registry lists B alone, not only that calls fail over.
      try (FarcallOps ops =
          FarcallOps.connect(zk.connectString(), "/farcall", Duration.ofSeconds(5))) {
        assertThat(ops.services().get(Greeter.class.getName()))
            .extracting(FarcallOps.Provider::port)
            .doesNotContain(port)
            .hasSize(1);
      }
      // Calls under load keep succeeding after A is gone.
      int okAtClose = ok.get();
      Poll.until(ok::get, n -> n > okAtClose + 100, Duration.ofSeconds(10));
      assertThat(ok.get()).isGreaterThan(okAtClose + 100);
      ConcurrentHashMap<String, Integer> after = new ConcurrentHashMap<>();
      for (int i = 0; i < 20; i++) {
        after.merge(greeter.whoAmI(), 1, Integer::sum);
      }
      running.set(false);
      callers.shutdown();
      assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

      assertThat(failures).as("failed calls").isEmpty();
      assertThat(ok.get()).isGreaterThan(0);
      assertThat(after).containsOnlyKeys("B");
      assertThat(implA.calls.get()).isEqualTo(callsToAAfterClose);
    } finally {
      callers.shutdownNow();
      providerA.close();
    }
  }
}
