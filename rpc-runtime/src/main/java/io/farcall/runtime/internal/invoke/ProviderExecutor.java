package io.farcall.runtime.internal.invoke;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The provider's executor for application code: at most {@code threads} threads, started as calls
 * need them and ended after a minute idle.
 *
 * <p>A {@link ForkJoinPool} rather than a {@link java.util.concurrent.ThreadPoolExecutor}: every
 * call is one hand-off from an event loop, and a thread pool's idle workers all wait on its queue's
 * one lock, so each hand-off wakes a worker that then contends for that lock with the others (most
 * of a worker's time went there at 32 concurrent callers). The fork-join pool wakes its most
 * recently idle worker, through no shared lock. Its compensation threads, which it would add when
 * code blocks in {@link ForkJoinPool#managedBlock} (as {@code CompletableFuture.get()} does), are
 * turned off, so {@code threads} is a hard bound; calls beyond it wait in the pool's queue, which
 * the dispatcher's admission control bounds.
 */
public final class ProviderExecutor {
  private static final long KEEP_ALIVE_SECONDS = 60;

  private ProviderExecutor() {}

  public static ExecutorService create(int threads) {
    AtomicInteger ids = new AtomicInteger();
    return new ForkJoinPool(
        threads,
        pool -> {
          ForkJoinWorkerThread t = new ForkJoinWorkerThread(pool) {};
          t.setName("farcall-exec-" + ids.incrementAndGet());
          t.setDaemon(true);
          return t;
        },
        null,
        true, // FIFO: calls start in the order they arrived
        0,
        threads,
        1,
        pool -> true, // at the bound: no compensation thread, the blocked call just waits
        KEEP_ALIVE_SECONDS,
        TimeUnit.SECONDS);
  }
}
