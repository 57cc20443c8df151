package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.runtime.testing.CallerLoad;
import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.GreeterImpl;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
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
    try (Farcall providerB = Farcall.builder().registry(zk.connectString()).build();
        Farcall consumer = Farcall.builder().registry(zk.connectString()).build()) {
      providerA.export(implA);
      providerB.export(implB);
      Greeter greeter = consumer.stub(Greeter.class);
      Awaits.bothProvidersServe(greeter);

      try (CallerLoad<String> load = CallerLoad.start(8, (caller, n) -> greeter.whoAmI())) {
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
        long okAtClose = load.ok();
        Poll.until(load::ok, n -> n > okAtClose + 100, Duration.ofSeconds(10));
        assertThat(load.ok()).isGreaterThan(okAtClose + 100);
        ConcurrentHashMap<String, Integer> after = new ConcurrentHashMap<>();
        for (int i = 0; i < 20; i++) {
          after.merge(greeter.whoAmI(), 1, Integer::sum);
        }
        load.close();

        assertThat(load.failures()).as("failed calls").isEmpty();
        assertThat(load.ok()).isGreaterThan(0);
        assertThat(after).containsOnlyKeys("B");
        assertThat(implA.calls.get()).isEqualTo(callsToAAfterClose);
      }
    } finally {
      providerA.close();
    }
  }
}
