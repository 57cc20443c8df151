package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.farcall.ProviderUnavailableException;
import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.GreeterImpl;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OverloadTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  @Test
  void aFullExecutorRefusesAtOnceWithTheRetryableOverloadedError() throws Exception {
    GreeterImpl impl = new GreeterImpl("only");
    try (Farcall provider =
            Farcall.builder()
                .registry(zk.connectString())
                .executorThreads(1)
                .executorQueue(0)
                .build();
        Farcall consumer = Farcall.builder().registry(zk.connectString()).build()) {
      provider.export(impl);
      Greeter greeter = consumer.stub(Greeter.class);
      assertThat(greeter.whoAmI()).isEqualTo("only");

      // Occupy the provider's only thread.
      CompletableFuture<String> busy = CompletableFuture.supplyAsync(() -> greeter.slow(1_500));
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (impl.calls.get() < 2 && System.nanoTime() - end < 0) {
        Thread.sleep(5);
      }

      Throwable refused = catchThrowable(() -> greeter.greet("one too many"));
      assertThat(refused).isInstanceOf(ProviderUnavailableException.class);
      ProviderUnavailableException e = (ProviderUnavailableException) refused;
      assertThat(e.reason()).isEqualTo(ProviderUnavailableException.Reason.OVERLOADED);
      assertThat(e.isRetryable()).isTrue();
      assertThat(e).hasMessageContaining("overloaded");
      // The refused call never ran.
      assertThat(impl.calls.get()).isEqualTo(2);

      assertThat(busy.get(10, TimeUnit.SECONDS)).isEqualTo("only");
      assertThat(greeter.greet("later")).isEqualTo("hello later");
    }
  }
}
