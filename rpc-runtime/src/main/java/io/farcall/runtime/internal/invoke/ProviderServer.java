package io.farcall.runtime.internal.invoke;

import io.farcall.ServerInterceptor;
import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.metrics.RuntimeMetrics;
import io.farcall.runtime.internal.security.Tokens;
import io.farcall.runtime.internal.transport.ServerTransport;
import io.farcall.runtime.internal.transport.TransportConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The provider side of one runtime: the listening server, the bounded executor that runs
 * application code, the {@link Dispatcher} between them, and the order in which they stop. Started
 * by a runtime's first export.
 */
public final class ProviderServer {
  private static final Logger log = LogManager.getLogger(ProviderServer.class);

  private final EventLoopGroup acceptor;
  private final ExecutorService executor;
  private final Dispatcher dispatcher;
  private final ServerTransport transport;
  private final InetSocketAddress address;

  private ProviderServer(
      EventLoopGroup acceptor,
      ExecutorService executor,
      Dispatcher dispatcher,
      ServerTransport transport,
      InetSocketAddress address) {
    this.acceptor = acceptor;
    this.executor = executor;
    this.dispatcher = dispatcher;
    this.transport = transport;
    this.address = address;
  }

  /**
   * How much a provider takes on at once.
   *
   * @param threads the executor's threads
   * @param queue how many admitted calls may wait for a thread
   * @param heldBytes the most bytes of request bodies held at once (see {@link Dispatcher})
   */
  public record Limits(int threads, int queue, long heldBytes) {}

  /**
   * Starts listening on {@code host:port} (port 0: any free port).
   *
   * @param ioGroup the event loops that serve the connections (shared with the consumer side)
   * @param tokens the tokens callers may authenticate with, or null for none
   * @throws IllegalStateException if it cannot listen there
   */
  public static ProviderServer start(
      EventLoopGroup ioGroup,
      TransportConfig config,
      BodyCodec codec,
      Limits limits,
      String host,
      int port,
      RuntimeMetrics metrics,
      Tokens tokens) {
    EventLoopGroup acceptor =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("farcall-accept", true), NioIoHandler.newFactory());
    ForkJoinPool executor = BoundedPool.create("farcall-exec", limits.threads());
    Dispatcher dispatcher =
        new Dispatcher(
            codec,
            executor,
            limits.threads(),
            limits.queue(),
            limits.heldBytes(),
            metrics,
            tokens == null ? Identities.CERTIFICATES : new Identities(tokens));
    metrics.executor(
        executor::getActiveThreadCount,
        () -> (int) Math.min(Integer.MAX_VALUE, executor.getQueuedSubmissionCount()),
        limits.threads());
    ServerTransport transport = new ServerTransport(acceptor, ioGroup, config, dispatcher, codec);
    InetSocketAddress address = null;
    try {
      address = transport.bind(host, port);
    } finally {
      if (address == null) { // nothing listens: nothing started is left running
        executor.shutdownNow();
        acceptor.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      }
    }
    log.info("listening on {}", address);
    return new ProviderServer(acceptor, executor, dispatcher, transport, address);
  }

  /** The address it listens on. */
  public InetSocketAddress address() {
    return address;
  }

  /**
   * Serves {@code service} with {@code impl}, through {@code interceptors} (outermost first);
   * replaces any previous implementation.
   */
  public void export(ServiceDescriptor service, Object impl, List<ServerInterceptor> interceptors) {
    dispatcher.export(service, impl, interceptors);
  }

  /**
   * Stops taking calls for {@code service}: new ones are refused with the retryable shutting-down
   * status (a caller that has not yet heard of its deregistration goes to another provider), and
   * this waits until its calls in flight ended, up to {@code deadlineNanos} (a {@link
   * System#nanoTime()} value). Returns whether they all ended. A later {@link #export} of the
   * service serves it again.
   */
  public boolean withdraw(String service, long deadlineNanos) throws InterruptedException {
    return dispatcher.withdraw(service, deadlineNanos);
  }

  /**
   * Stops serving without losing a call. Consumers are told to send nothing new here; what they
   * sent before hearing it is still served. Once they have closed their connections (each does when
   * its last reply arrived) or half of {@code grace} passed, what still arrives is refused with the
   * retryable shutting-down status, calls in flight finish (up to the rest of {@code grace}), and
   * the server closes. Call {@link #awaitTermination} once the event loops are shut down.
   */
  public void shutdown(Duration grace) {
    long graceMillis = grace.toMillis();
    long end = System.nanoTime() + grace.toNanos();
    transport.stopAccepting();
    transport.goAway();
    try {
      transport.awaitDisconnected(graceMillis / 2, TimeUnit.MILLISECONDS);
      dispatcher.drain();
      long left = Math.max(0, end - System.nanoTime());
      if (!dispatcher.awaitIdle(left, TimeUnit.NANOSECONDS)) {
        log.warn("calls still running after the shutdown grace period of {}", grace);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    transport.close();
    executor.shutdownNow();
    dispatcher.terminate();
    acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS);
  }

  /** Waits (a few seconds at most) for the acceptor and executor threads to end. */
  public void awaitTermination() {
    acceptor.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
    BoundedPool.awaitTermination(executor);
  }
}
