package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.DeadlineExceededException;
import io.farcall.runtime.internal.invoke.ClientInvoker;
import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.GreeterImpl;
import io.farcall.runtime.testing.LogCapture;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a consumer does when one of its providers misbehaves, or the registry does. */
class FailoverTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  @Test
  void aProviderThatKeepsTimingOutIsEjectedThenProbedBackIntoRotation() throws Exception {
    GreeterImpl implA = new GreeterImpl("A");
    GreeterImpl implB = new GreeterImpl("B");
    try (Farcall a =
            Farcall.builder().registry(zk.connectString()).shutdownGrace(Duration.ZERO).build();
        Farcall b = Farcall.builder().registry(zk.connectString()).build();
        Farcall consumer =
            Farcall.builder()
                .registry(zk.connectString())
                .timeout(Duration.ofMillis(300))
                .loadBalance(io.farcall.LoadBalance.ROUND_ROBIN)
                .build()) {
      a.export(implA);
      b.export(implB);
      Greeter greeter = consumer.stub(Greeter.class);
      Awaits.bothProvidersServe(greeter);

      implA.hung = true;
      List<String> outcomes = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        try {
          outcomes.add(greeter.whoAmI());
        } catch (DeadlineExceededException e) {
          outcomes.add("timeout");
        }
      }
      // Round robin sends every other call to A until A has timed out five times in a row.
      assertThat(outcomes.subList(0, 15)).contains("timeout");
      assertThat(outcomes.stream().filter("timeout"::equals).count()).isLessThanOrEqualTo(6);
      // Then A is out for a second: calls to B take milliseconds, so the rest all go to B.
      assertThat(outcomes.subList(15, 25)).containsOnly("B");

      implA.hung = false;
      boolean backInRotation =
          Poll.until(() -> greeter.whoAmI().equals("A"), back -> back, Duration.ofSeconds(15));
      assertThat(backInRotation).as("A back in rotation after its probe").isTrue();
    }
  }

  @Test
  void aPushedEmptyProviderListIsNotBelievedWhileConnectionsToTheProvidersAreHealthy()
      throws Exception {
    try (Farcall provider = Farcall.builder().registry(zk.connectString()).build();
        Farcall consumer = Farcall.builder().registry(zk.connectString()).build();
        CuratorFramework raw =
            CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100))) {
      raw.start();
      provider.export(new GreeterImpl("only"));
      Greeter greeter = consumer.stub(Greeter.class);
      assertThat(greeter.whoAmI()).isEqualTo("only");

      // A registry glitch: the provider's node disappears while the provider is fine.
      String servicePath = "/farcall/" + Greeter.class.getName();
      for (String instance : raw.getChildren().forPath(servicePath)) {
        raw.delete().forPath(servicePath + "/" + instance);
      }
      assertThat(raw.getChildren().forPath(servicePath)).isEmpty();

      try (LogCapture log = LogCapture.of(ClientInvoker.class)) {
        // Calls go on, and succeed, until the consumer has seen the empty list and said so.
        boolean seen =
            Poll.until(
                () -> {
                  assertThat(greeter.whoAmI()).isEqualTo("only");
                  return log.messages(Level.WARN).stream()
                      .anyMatch(m -> m.contains("the registry lists no provider"));
                },
                s -> s,
                Duration.ofSeconds(10));
        assertThat(seen).as("the consumer saw the registry list no provider").isTrue();
        for (int i = 0; i < 20; i++) {
          assertThat(greeter.whoAmI()).isEqualTo("only");
        }
      }
    }
  }
}
