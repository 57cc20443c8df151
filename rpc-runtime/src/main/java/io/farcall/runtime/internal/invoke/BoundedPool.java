package io.farcall.runtime.internal.invoke;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run application code handed over by an event loop: the provider's executor
 * (calls) and the consumer's callback threads (completing {@code CompletableFuture} calls). At most
 * {@code threads} threads, started as work needs them and ended after a minute idle.
 *
 * <p>A {@link ForkJoinPool} rather than a {@link java.util.concurrent.ThreadPoolExecutor}: every
 * task is one hand-off from an event loop, and a thread pool's idle workers all wait on its queue's
 * one lock, so each hand-off wakes a worker that then contends for that lock with the others (most
 * of a provider worker's time went there at 32 concurrent callers). The fork-join pool wakes its
 * most recently idle worker, through no shared lock. Its compensation threads, which it would add
 * when code blocks in {@link ForkJoinPool#managedBlock} (as {@code CompletableFuture.get()} does),
 * are turned off, so {@code threads} is a hard bound; tasks beyond it wait in the pool's queue, in
 * the order they came.
 */
final class BoundedPool {
  private static final long KEEP_ALIVE_SECONDS = 60;

  private BoundedPool() {}

  /**
   * @param name the threads are named {@code name-1}, {@code name-2}, ...; daemon threads
   */
  static ForkJoinPool create(String name, int threads) {
    AtomicInteger ids = new AtomicInteger();
    return new ForkJoinPool(
        threads,
        pool -> {
          ForkJoinWorkerThread t = new ForkJoinWorkerThread(pool) {};
          t.setName(name + "-" + ids.incrementAndGet());
          t.setDaemon(true);
          return t;
        },
        null,
        true, // FIFO: tasks start in the order they arrived
        0,
        threads,
        1,
        pool -> true, // at the bound: no compensation thread, the blocked task just waits
        KEEP_ALIVE_SECONDS,
        TimeUnit.SECONDS);
  }

  /** Waits a few seconds at most for a pool that was shut down to end its threads. */
  static void awaitTermination(ExecutorService pool) {
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
