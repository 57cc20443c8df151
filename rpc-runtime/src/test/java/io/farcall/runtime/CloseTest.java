package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.GreeterImpl;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CloseTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  @Test
  void noThreadStartedByTheRuntimeSurvivesClose() throws Exception {
    Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());

    Farcall provider = Farcall.builder().registry(zk.connectString()).build();
    Farcall consumer = Farcall.builder().registry(zk.connectString()).build();
    GreeterImpl impl = new GreeterImpl("p");
    provider.export(impl);
    Greeter greeter = consumer.stub(Greeter.class);
    assertThat(greeter.whoAmI()).isEqualTo("p");
    impl.open("g", "v");
    assertThat(greeter.greetLater("g").get(10, TimeUnit.SECONDS)).isEqualTo("v");
    CompletableFuture.runAsync(() -> greeter.greet("from another thread"))
        .get(10, TimeUnit.SECONDS);
    assertThat(startedSince(before)).isNotEmpty();

    consumer.close();
    provider.close();

    Set<String> left = Poll.until(() -> startedSince(before), Set::isEmpty, Duration.ofSeconds(10));
    assertThat(left).as("threads still alive after close()").isEmpty();
  }

  @Test
  void closeIsIdempotentAndTheRuntimeRefusesUseAfterwards() {
    Farcall f = Farcall.builder().registry(zk.connectString()).build();
    f.close();
    f.close();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.stub(Greeter.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  /** Live threads not in {@code before}, other than JDK-wide ones (the common pool). */
  private static Set<String> startedSince(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> !before.contains(t))
        .filter(t -> !t.getName().startsWith("ForkJoinPool.commonPool"))
        .map(Thread::getName)
        .collect(Collectors.toSet());
  }
}
