package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.runtime.testing.CallerLoad;
import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.GreeterImpl;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.Sharded;
import io.farcall.runtime.testing.ShardedImpl;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link Farcall#unexport}: what a container does before it destroys an exported bean. The object
 * is deregistered, new calls go elsewhere without failing, its calls in flight finish before
 * unexport returns, and the runtime's other exports go on.
 */
class UnexportTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  private static final Duration WAIT = Duration.ofSeconds(15);

  @Test
  void unexportDeregistersWaitsForCallsInFlightAndFailsNoCallUnderLoad() throws Exception {
    GreeterImpl implA = new GreeterImpl("A");
    GreeterImpl implB = new GreeterImpl("B");
    ExecutorService threads = Executors.newSingleThreadExecutor();
    try (Farcall providerA =
            Farcall.builder()
                .registry(zk.connectString())
                .shutdownGrace(Duration.ofSeconds(30))
                .build();
        Farcall providerB = Farcall.builder().registry(zk.connectString()).build();
        Farcall consumer = Farcall.builder().registry(zk.connectString()).build()) {
      providerA.export(implA);
      providerA.export(new ShardedImpl("A"));
      Greeter greeter = consumer.stub(Greeter.class);
      Sharded sharded = consumer.stub(Sharded.class);
      int portA = providerA.localAddress().getPort();
      Poll.untilTrue(
          "the consumer sees A",
          () -> ports(consumer.providers(Greeter.class)).equals(List.of(portA)),
          WAIT);

      // A call in flight on A (its only provider yet), held open until the test says so.
      CompletableFuture<String> held = greeter.greetLater("held");
      Poll.untilTrue("the held call reached A", () -> implA.calls.get() == 1, WAIT);

      providerB.export(implB);
      Awaits.bothProvidersServe(greeter);
      try (CallerLoad<String> load = CallerLoad.start(8, (caller, n) -> greeter.whoAmI())) {
        int aBefore = implA.calls.get();
        Poll.untilTrue("load reaches A", () -> implA.calls.get() > aBefore + 20, WAIT);

        CompletableFuture<List<String>> unexported =
            CompletableFuture.supplyAsync(() -> providerA.unexport(implA), threads);
        int portB = providerB.localAddress().getPort();
        Poll.untilTrue(
            "the consumer sees B alone",
            () -> ports(consumer.providers(Greeter.class)).equals(List.of(portB)),
            WAIT);
        // Deregistered, yet unexport waits: the held call is still running on A.
        assertThat(unexported).isNotDone();
        long okAtDeregistration = load.ok();
        Poll.untilTrue("calls go on at B", () -> load.ok() > okAtDeregistration + 100, WAIT);
        assertThat(unexported).isNotDone();

        implA.open("held", "done late");
        assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("done late");
        assertThat(unexported.get(10, TimeUnit.SECONDS)).containsExactly(Greeter.class.getName());
        int aAfter = implA.calls.get();
        long okAfter = load.ok();
        Poll.untilTrue("calls go on after unexport", () -> load.ok() > okAfter + 100, WAIT);

        // The runtime's other export is still served, and unexporting again changes nothing.
        assertThat(sharded.owner("k")).isEqualTo("A");
        assertThat(providerA.unexport(implA)).isEmpty();
        assertThat(implA.calls.get()).as("calls A served after unexport").isEqualTo(aAfter);

        // Exported again, A takes calls again.
        providerA.export(implA);
        Poll.untilTrue("calls reach A again", () -> implA.calls.get() > aAfter + 20, WAIT);
        load.close();
        assertThat(load.failures()).as("failed calls").isEmpty();
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aCallThatArrivesAfterUnexportIsRefusedAsRetryableNotRunOnTheObject() throws Exception {
    GreeterImpl impl = new GreeterImpl("A");
    try (Farcall provider = Farcall.builder().registry(zk.connectString()).build();
        Farcall consumer = Farcall.builder().registry(zk.connectString()).build()) {
      provider.export(impl);
      Greeter greeter = consumer.stub(Greeter.class);
      assertThat(greeter.whoAmI()).isEqualTo("A");
      // The consumer's directory still lists A for a moment after the deregistration: the call it
      // sends meanwhile is refused, not served by the unexported object.
      provider.unexport(impl);
      int calls = impl.calls.get();
      try {
        greeter.whoAmI();
      } catch (io.farcall.RpcException e) {
        assertThat(e)
            .isInstanceOfAny(
                io.farcall.ProviderUnavailableException.class,
                io.farcall.NoProviderException.class);
      }
      assertThat(impl.calls.get()).isEqualTo(calls);
    }
  }

  private static List<Integer> ports(List<InetSocketAddress> providers) {
    return providers.stream().map(InetSocketAddress::getPort).toList();
  }
}
