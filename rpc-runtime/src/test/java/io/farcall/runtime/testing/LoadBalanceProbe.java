package io.farcall.runtime.testing;

import static org.assertj.core.api.Assertions.catchThrowable;

import io.farcall.LoadBalance;
import io.farcall.runtime.Farcall;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.test.TestingServer;

/**
 * Compares the load balancers where the choice matters: three providers, one of them slow (every
 * call sleeps 20 ms there, against 1 ms on the others: a provider in a GC pause, on a busy host, or
 * further away). 32 callers make synchronous calls for a few seconds per balancer. Prints
 * throughput and latency percentiles per balancer. Not a test: run it by hand.
 */
public final class LoadBalanceProbe {
  private LoadBalanceProbe() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    long slowMillis = args.length > 1 ? Long.parseLong(args[1]) : 20;
    try (TestingServer zk = new TestingServer(true);
        Farcall fast1 =
            Farcall.builder().registry(zk.getConnectString()).executorThreads(64).build();
        Farcall fast2 =
            Farcall.builder().registry(zk.getConnectString()).executorThreads(64).build();
        Farcall slow =
            Farcall.builder().registry(zk.getConnectString()).executorThreads(64).build()) {
      fast1.export(new SleepyGreeter("fast-1", 1));
      fast2.export(new SleepyGreeter("fast-2", 1));
      slow.export(new SleepyGreeter("slow", slowMillis));
      // A first, unreported pass warms the JIT up, so the first balancer measured is not penalised.
      try (Farcall warm = Farcall.builder().registry(zk.getConnectString()).build()) {
        run(null, warm.stub(Greeter.class), seconds);
      }
      for (LoadBalance lb :
          new LoadBalance[] {
            LoadBalance.ROUND_ROBIN,
            LoadBalance.RANDOM,
            LoadBalance.LEAST_LOADED,
            LoadBalance.CONSISTENT_HASH
          }) {
        try (Farcall consumer =
            Farcall.builder()
                .registry(zk.getConnectString())
                .loadBalance(lb)
                .timeout(Duration.ofSeconds(10))
                .build()) {
          run(lb, consumer.stub(Greeter.class), seconds);
        }
      }
    }
  }

  private static void run(LoadBalance lb, Greeter greeter, int seconds) throws Exception {
    int callers = 32;
    Poll.untilOrFail(
        "the provider serving",
        () -> catchThrowable(() -> greeter.greet("warm")),
        Objects::isNull,
        Duration.ofSeconds(60));
    AtomicBoolean stop = new AtomicBoolean();
    long[][] samples = new long[callers][200_000];
    int[] counts = new int[callers];
    CountDownLatch done = new CountDownLatch(callers);
    for (int c = 0; c < callers; c++) {
      int id = c;
      Thread t =
          new Thread(
              () -> {
                int n = 0;
                while (!stop.get() && n < samples[id].length) {
                  long start = System.nanoTime();
                  greeter.greet("caller-" + id + "-" + n);
                  samples[id][n++] = System.nanoTime() - start;
                }
                counts[id] = n;
                done.countDown();
              });
      t.setDaemon(true);
      t.start();
    }
    long start = System.nanoTime();
    Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    stop.set(true);
    done.await(60, TimeUnit.SECONDS);
    double elapsed = (System.nanoTime() - start) / 1e9;
    long total = Arrays.stream(counts).sum();
    long[] all = new long[(int) total];
    int k = 0;
    for (int c = 0; c < callers; c++) {
      System.arraycopy(samples[c], 0, all, k, counts[c]);
      k += counts[c];
    }
    Arrays.sort(all);
    if (lb == null) {
      return;
    }
    System.out.printf(
        "%-16s %8.0f calls/s   p50 %6.2f ms   p99 %6.2f ms%n",
        lb.name().toLowerCase(),
        total / elapsed,
        all[all.length / 2] / 1e6,
        all[(int) (all.length * 0.99)] / 1e6);
  }

  /** A Greeter whose greet takes {@code millis}. */
  private static final class SleepyGreeter extends GreeterImpl {
    private final long millis;

    SleepyGreeter(String name, long millis) {
      super(name);
      this.millis = millis;
    }

    @Override
    public String greet(String who) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return super.greet(who);
    }
  }
}
