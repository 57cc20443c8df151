package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.farcall.ProviderUnavailableException;
import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.GreeterImpl;
import io.farcall.runtime.testing.Poll;
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
      Poll.until(impl.calls::get, n -> n >= 2, java.time.Duration.ofSeconds(5));

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

  /** Holds its argument until its gate opens. */
  @io.farcall.Remote
  public interface Vault {
    int keep(byte[] data, String gate);

    String ping();
  }

  static final class VaultImpl implements Vault {
    final java.util.concurrent.ConcurrentMap<String, java.util.concurrent.CountDownLatch> gates =
        new java.util.concurrent.ConcurrentHashMap<>();
    final java.util.concurrent.atomic.AtomicInteger entered =
        new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public int keep(byte[] data, String gate) {
      entered.incrementAndGet();
      try {
        gates
            .computeIfAbsent(gate, g -> new java.util.concurrent.CountDownLatch(1))
            .await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return data.length;
    }

    @Override
    public String ping() {
      return "pong";
    }
  }

  @Test
  void requestsThatWouldHoldMoreThanMaxDecodingBytesAreRefusedAsOverloaded() throws Exception {
    VaultImpl impl = new VaultImpl();
    try (Farcall provider =
            Farcall.builder().registry(zk.connectString()).maxDecodingBytes(100 * 1024).build();
        Farcall consumer = Farcall.builder().registry(zk.connectString()).build()) {
      provider.export(impl);
      Vault vault = consumer.stub(Vault.class);
      assertThat(vault.ping()).isEqualTo("pong");

      // One call holds 60 KiB until its gate opens.
      CompletableFuture<Integer> held =
          CompletableFuture.supplyAsync(() -> vault.keep(new byte[60 * 1024], "first"));
      Poll.until(impl.entered::get, n -> n == 1, java.time.Duration.ofSeconds(5));
      assertThat(impl.entered.get()).isEqualTo(1);

      // Another 60 KiB would take the provider past its 100 KiB: refused, retryable, never run.
      Throwable refused = catchThrowable(() -> vault.keep(new byte[60 * 1024], "second"));
      assertThat(refused).isInstanceOf(ProviderUnavailableException.class);
      ProviderUnavailableException e = (ProviderUnavailableException) refused;
      assertThat(e.reason()).isEqualTo(ProviderUnavailableException.Reason.OVERLOADED);
      assertThat(e).hasMessageContaining("maxdecodingbytes");
      assertThat(impl.entered.get()).isEqualTo(1);
      // A small call fits beside it.
      assertThat(vault.ping()).isEqualTo("pong");

      impl.gates
          .computeIfAbsent("first", g -> new java.util.concurrent.CountDownLatch(1))
          .countDown();
      assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo(60 * 1024);
      // Given back at the end of the call: a request larger than the whole budget still runs
      // when nothing else is held.
      impl.gates
          .computeIfAbsent("big", g -> new java.util.concurrent.CountDownLatch(1))
          .countDown();
      assertThat(vault.keep(new byte[200 * 1024], "big")).isEqualTo(200 * 1024);
    }
  }
}
