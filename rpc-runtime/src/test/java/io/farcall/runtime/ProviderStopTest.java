package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.GreeterImpl;
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
      Awaits.sleep(300);
      providerA.close();
      int callsToAAfterClose = implA.calls.get();
      Awaits.sleep(500);
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
