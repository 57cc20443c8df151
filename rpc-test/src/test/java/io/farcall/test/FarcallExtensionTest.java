package io.farcall.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.farcall.DeadlineExceededException;
import io.farcall.runtime.testing.Poll;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension as users register it: a static field, one ZooKeeper for the class. */
class FarcallExtensionTest {
  @RegisterExtension
  static final FarcallExtension farcall =
      FarcallExtension.create(b -> b.timeout(Duration.ofMillis(500)));

  @Test
  void anExportedObjectIsCalledThroughAStubOverTheNetwork() {
    TestProvider provider = farcall.export(new CounterImpl("only"));
    Counter counter = farcall.stub(Counter.class);

    assertThat(counter.next()).isEqualTo(1);
    assertThat(counter.next()).isEqualTo(2);
    assertThat(provider.services()).containsExactly(Counter.class.getName());
    assertThat(provider.address().getAddress().isLoopbackAddress()).isTrue();
    assertThat(farcall.registry()).startsWith("127.0.0.1:");
  }

  @Test
  void aSlowedProviderMissesDeadlinesUntilItIsBackToFullSpeed() {
    TestProvider provider = farcall.export(new CounterImpl("slow"));
    Counter counter = farcall.stub(Counter.class);
    assertThat(counter.whoAmI()).isEqualTo("slow");

    provider.slowDown(Duration.ofSeconds(3));
    assertThatThrownBy(counter::whoAmI).isInstanceOf(DeadlineExceededException.class);

    provider.slowDown(Duration.ZERO);
    assertThat(counter.whoAmI()).isEqualTo("slow");
  }

  @Test
  void aStoppedProviderLeavesItsServiceToTheOthersWithoutAFailedCall() {
    TestProvider a = farcall.export(new CounterImpl("A"));
    farcall.export(new CounterImpl("B"));
    Counter counter = farcall.stub(Counter.class);
    Set<String> seen = new HashSet<>();
    Poll.untilTrue(
        "both providers answered",
        () -> {
          seen.add(counter.whoAmI());
          return seen.size() == 2;
        },
        Duration.ofSeconds(20));

    int aPort = a.address().getPort();
    assertThat(farcall.consumer().providers(Counter.class)).anyMatch(p -> p.getPort() == aPort);
    a.stop();
    for (int i = 0; i < 50; i++) {
      assertThat(counter.whoAmI()).isEqualTo("B");
    }
    Poll.untilTrue(
        "the consumer forgot the stopped provider",
        () ->
            farcall.consumer().providers(Counter.class).stream()
                .noneMatch(p -> p.getPort() == aPort),
        Duration.ofSeconds(20));
  }
}
