package io.farcall.runtime.internal.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.runtime.testing.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedPoolTest {
  @Test
  void neverRunsMoreCallsAtOnceThanItsThreadsEvenWhenTheyBlockOnAFuture() throws Exception {
    ExecutorService executor = BoundedPool.create("farcall-exec", 2);
    try {
      // get() on a future blocks through ForkJoinPool.managedBlock, which would make a plain
      // fork-join pool add a compensating thread for each blocked call.
      CompletableFuture<String> gate = new CompletableFuture<>();
      AtomicInteger running = new AtomicInteger();
      AtomicInteger mostAtOnce = new AtomicInteger();
      CountDownLatch done = new CountDownLatch(6);
      Set<Thread> threads = ConcurrentHashMap.newKeySet();
      for (int i = 0; i < 6; i++) {
        executor.execute(
            () -> {
              threads.add(Thread.currentThread());
              mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
              try {
                gate.get(10, TimeUnit.SECONDS);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              } finally {
                running.decrementAndGet();
                done.countDown();
              }
            });
      }
      Poll.until(running::get, n -> n >= 2, Duration.ofSeconds(5));
      // 200 ms of watching for a third call to start, if anything would start one.
      Poll.until(running::get, n -> n > 2, Duration.ofMillis(200));
      assertThat(running.get()).isEqualTo(2);

      gate.complete("open");
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(mostAtOnce.get()).isEqualTo(2);
      assertThat(threads).hasSize(2);
      for (Thread t : threads) {
        assertThat(t.getName()).startsWith("farcall-exec-");
        assertThat(t.isDaemon()).isTrue();
      }
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void queuedCallsStartInTheOrderTheyArrived() throws Exception {
    ExecutorService executor = BoundedPool.create("farcall-exec", 1);
    try {
      CountDownLatch release = new CountDownLatch(1);
      List<Integer> order = new ArrayList<>();
      CountDownLatch done = new CountDownLatch(21);
      executor.execute(
          () -> {
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            done.countDown();
          });
      for (int i = 0; i < 20; i++) {
        int n = i;
        executor.execute(
            () -> {
              synchronized (order) {
                order.add(n);
              }
              done.countDown();
            });
      }
      release.countDown();
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        expected.add(i);
      }
      synchronized (order) {
        assertThat(order).isEqualTo(expected);
      }
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void shutdownNowEndsEveryThreadItStarted() throws Exception {
    ExecutorService executor = BoundedPool.create("farcall-exec", 4);
    CountDownLatch started = new CountDownLatch(4);
    CountDownLatch never = new CountDownLatch(1);
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < 4; i++) {
      executor.execute(
          () -> {
            threads.add(Thread.currentThread());
            started.countDown();
            try {
              never.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
    }
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    executor.shutdownNow();
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(threads).hasSize(4);
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(10));
      assertThat(t.isAlive()).isFalse();
    }
  }
}
