package io.farcall.runtime.internal.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.farcall.DeadlineExceededException;
import io.farcall.LoadBalance;
import io.farcall.RpcException;
import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.discovery.Endpoint;
import io.farcall.runtime.internal.discovery.ServiceDirectory;
import io.farcall.runtime.internal.metrics.RuntimeMetrics;
import io.farcall.runtime.internal.transport.ClientTransport;
import io.farcall.runtime.internal.transport.Frame;
import io.farcall.runtime.internal.transport.RequestHandler;
import io.farcall.runtime.internal.transport.ServerConnection;
import io.farcall.runtime.internal.transport.TransportConfig;
import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.LoopbackTransports;
import io.netty.util.HashedWheelTimer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A provider that never answers: a synchronous call (which waits on its own thread, without a timer
 * entry) and an asynchronous one (failed by the timer) both end at their deadline, and both tell
 * the provider to cancel the request they sent. So does a synchronous caller that is interrupted.
 */
class ClientCallDeadlineTest {
  private static final TransportConfig CONFIG =
      new TransportConfig(1 << 20, Duration.ofSeconds(2), Duration.ofSeconds(10));
  private static final Duration TIMEOUT = Duration.ofMillis(300);

  private final BlockingQueue<Long> requests = new LinkedBlockingQueue<>();
  private final BlockingQueue<Long> cancels = new LinkedBlockingQueue<>();
  @RegisterExtension final LoopbackTransports net = new LoopbackTransports(CONFIG);

  private HashedWheelTimer timer;
  private ExecutorService callbacks;
  private ClientInvoker invoker;

  @BeforeEach
  void start() {
    int port =
        net.serve(
            new RequestHandler() {
              @Override
              public void onRequest(ServerConnection c, Frame request) {
                long id = request.requestId();
                requests.add(id);
                request.release(); // and never answer
                c.track(id, () -> cancels.add(id));
              }
            },
            0);
    ClientTransport client = net.client();
    timer = new HashedWheelTimer(10, TimeUnit.MILLISECONDS);
    callbacks = Executors.newSingleThreadExecutor();
    BodyCodec codec = new BodyCodec(List.of());
    codec.allowInterface(Greeter.class);
    Endpoint provider = new Endpoint("p1", "127.0.0.1", port, System.currentTimeMillis());
    invoker =
        new ClientInvoker(
            ServiceDescriptor.of(Greeter.class),
            directoryOf(provider),
            new ClientResources(
                client,
                new ProviderHealth(client, timer, RuntimeMetrics.NONE),
                RetryBudget.standard(),
                codec,
                timer,
                callbacks,
                TIMEOUT,
                LoadBalance.DEFAULT,
                RuntimeMetrics.NONE),
            List.of());
  }

  @AfterEach
  void stop() {
    timer.stop();
    callbacks.shutdownNow();
  }

  @Test
  void aSynchronousCallFailsAtItsDeadlineAndCancelsOnTheProvider() throws Exception {
    MethodDescriptor whoAmI = invoker.service().method("whoAmI()");
    long start = System.nanoTime();
    Throwable t = catchThrowable(() -> invoker.invoke(whoAmI, null));
    long took = System.nanoTime() - start;
    assertThat(t).isInstanceOf(DeadlineExceededException.class).hasMessageContaining("whoAmI()");
    assertThat(took).isGreaterThanOrEqualTo(TIMEOUT.toNanos());
    // Its stack shows the caller's code.
    assertThat(t.getStackTrace())
        .anyMatch(
            e ->
                e.getMethodName()
                    .equals("aSynchronousCallFailsAtItsDeadlineAndCancelsOnTheProvider"));
    assertCancelledOnProvider();
  }

  @Test
  void anAsynchronousCallFailsAtItsDeadlineThroughTheTimerAndCancelsOnTheProvider()
      throws Throwable {
    MethodDescriptor greetLater = invoker.service().method("greetLater(java.lang.String)");
    @SuppressWarnings("unchecked")
    CompletableFuture<Object> f =
        (CompletableFuture<Object>) invoker.invoke(greetLater, new Object[] {"gate"});
    assertThat(f).isNotDone();
    Throwable t = catchThrowable(() -> f.get(5, TimeUnit.SECONDS));
    assertThat(t).isInstanceOf(ExecutionException.class);
    assertThat(t.getCause()).isInstanceOf(DeadlineExceededException.class);
    assertCancelledOnProvider();
  }

  @Test
  void anInterruptedSynchronousCallerStopsWaitingAndCancelsOnTheProvider() throws Exception {
    MethodDescriptor whoAmI = invoker.service().method("whoAmI()");
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
    Thread caller =
        new Thread(
            () -> {
              failure.set(catchThrowable(() -> invoker.invoke(whoAmI, null)));
              stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
    caller.start();
    Long sent = requests.poll(5, TimeUnit.SECONDS);
    assertThat(sent).as("request arrived").isNotNull();
    caller.interrupt();
    caller.join(5_000);
    assertThat(failure.get())
        .isExactlyInstanceOf(RpcException.class)
        .hasMessageContaining("interrupted")
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(stillInterrupted.get()).isTrue();
    assertThat(cancels.poll(5, TimeUnit.SECONDS)).as("CANCEL of the request").isEqualTo(sent);
  }

  /** The one request sent got a CANCEL. */
  private void assertCancelledOnProvider() throws InterruptedException {
    Long sent = requests.poll(5, TimeUnit.SECONDS);
    assertThat(sent).as("request arrived").isNotNull();
    assertThat(cancels.poll(5, TimeUnit.SECONDS)).as("CANCEL of the request").isEqualTo(sent);
    assertThat(requests).isEmpty();
  }

  private static ServiceDirectory directoryOf(Endpoint e) {
    return new ServiceDirectory() {
      @Override
      public String service() {
        return Greeter.class.getName();
      }

      @Override
      public List<Endpoint> endpoints() {
        return List.of(e);
      }

      @Override
      public void addListener(Runnable onChange) {}
    };
  }
}
