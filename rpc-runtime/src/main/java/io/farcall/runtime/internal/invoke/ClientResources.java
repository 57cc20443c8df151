package io.farcall.runtime.internal.invoke;

import io.farcall.LoadBalance;
import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.metrics.RuntimeMetrics;
import io.farcall.runtime.internal.transport.ClientTransport;
import io.farcall.runtime.internal.transport.TransportConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timer;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The consumer side of one runtime, what every service's {@link ClientInvoker} shares: the
 * transport and its provider health, the codec, the deadline timer, the callback threads, the retry
 * budget and the defaults. Started with the runtime ({@link #start}); {@link #close} stops what it
 * started.
 */
public final class ClientResources {
  final ClientTransport transport;
  final ProviderHealth health;
  final RetryBudget retryBudget;
  final BodyCodec codec;
  final Timer timer;
  final Executor callbackExecutor;
  final Duration defaultTimeout;
  final LoadBalance defaultLoadBalance;
  final RuntimeMetrics metrics;

  ClientResources(
      ClientTransport transport,
      ProviderHealth health,
      RetryBudget retryBudget,
      BodyCodec codec,
      Timer timer,
      Executor callbackExecutor,
      Duration defaultTimeout,
      LoadBalance defaultLoadBalance,
      RuntimeMetrics metrics) {
    this.transport = transport;
    this.health = health;
    this.retryBudget = retryBudget;
    this.codec = codec;
    this.timer = timer;
    this.callbackExecutor = callbackExecutor;
    this.defaultTimeout = defaultTimeout;
    this.defaultLoadBalance = defaultLoadBalance;
    this.metrics = metrics;
  }

  /**
   * Starts a consumer side on {@code ioGroup}'s event loops, with a timer thread and up to {@code
   * callbackThreads} threads completing asynchronous calls.
   *
   * @param defaultTimeout the deadline of a call whose method names none
   * @param defaultLoadBalance the load balancing of a service whose interface names none
   * @param metrics what the consumer side reports to
   */
  public static ClientResources start(
      EventLoopGroup ioGroup,
      TransportConfig config,
      BodyCodec codec,
      int callbackThreads,
      Duration defaultTimeout,
      LoadBalance defaultLoadBalance,
      RuntimeMetrics metrics) {
    ClientTransport transport = new ClientTransport(ioGroup, config, codec, metrics);
    Timer timer =
        new HashedWheelTimer(
            new DefaultThreadFactory("farcall-timer", true), 10, TimeUnit.MILLISECONDS);
    return new ClientResources(
        transport,
        new ProviderHealth(transport, timer, metrics),
        RetryBudget.standard(),
        codec,
        timer,
        BoundedPool.create("farcall-callback", callbackThreads),
        defaultTimeout,
        defaultLoadBalance,
        metrics);
  }

  /**
   * Closes the connections to providers and stops the timer; the callback threads finish what they
   * were handed. Call {@link #awaitTermination} once the event loops are shut down.
   */
  public void close() {
    transport.close();
    timer.stop();
    if (callbackExecutor instanceof ExecutorService pool) {
      pool.shutdown();
    }
  }

  /** Waits (a few seconds at most) for the callback threads to end. */
  public void awaitTermination() {
    if (callbackExecutor instanceof ExecutorService pool) {
      BoundedPool.awaitTermination(pool);
    }
  }
}
