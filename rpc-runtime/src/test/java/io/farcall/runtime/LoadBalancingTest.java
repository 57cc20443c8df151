package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.LoadBalance;
import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.GreeterImpl;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.Sharded;
import io.farcall.runtime.testing.ShardedImpl;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Balancing across real providers: weights from their registrations, strategies per interface. */
class LoadBalancingTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  @Test
  void aProvidersWeightOptionSetsItsShareOfCalls() {
    try (Farcall heavy = Farcall.builder().registry(zk.connectString()).weight(30).build();
        Farcall light = Farcall.builder().registry(zk.connectString()).weight(10).build();
        Farcall consumer =
            Farcall.builder()
                .registry(zk.connectString())
                .loadBalance(LoadBalance.ROUND_ROBIN)
                .build()) {
      heavy.export(new GreeterImpl("heavy"));
      light.export(new GreeterImpl("light"));
      Greeter greeter = consumer.stub(Greeter.class);
      Awaits.providersServe(greeter, "heavy", "light");

      Map<String, Integer> counts = new HashMap<>();
      for (int i = 0; i < 400; i++) {
        counts.merge(greeter.whoAmI(), 1, Integer::sum);
      }
      assertThat(counts.get("heavy")).isEqualTo(300);
      assertThat(counts.get("light")).isEqualTo(100);
    }
  }

  @Test
  void anInterfaceCanAskForConsistentHashingOnItsFirstArgument() {
    try (Farcall a = Farcall.builder().registry(zk.connectString()).build();
        Farcall b = Farcall.builder().registry(zk.connectString()).build();
        Farcall consumer = Farcall.builder().registry(zk.connectString()).build()) {
      a.export(new ShardedImpl("a"));
      b.export(new ShardedImpl("b"));
      Sharded sharded = consumer.stub(Sharded.class);
      // Both providers listed: keys spread over both, each key always to the same one.
      Set<String> owners =
          Poll.until(
              () -> {
                Set<String> now = new HashSet<>();
                for (int k = 0; k < 50; k++) {
                  now.add(sharded.owner("key-" + k));
                }
                return now;
              },
              now -> now.size() >= 2,
              Duration.ofSeconds(20));
      assertThat(owners).containsExactlyInAnyOrder("a", "b");
      for (int k = 0; k < 50; k++) {
        String first = sharded.owner("key-" + k);
        for (int again = 0; again < 5; again++) {
          assertThat(sharded.owner("key-" + k)).isEqualTo(first);
        }
      }
    }
  }
}
