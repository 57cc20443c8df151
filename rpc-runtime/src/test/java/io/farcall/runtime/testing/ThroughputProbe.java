package io.farcall.runtime.testing;

import static org.assertj.core.api.Assertions.catchThrowable;

import io.farcall.runtime.Farcall;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.test.TestingServer;

/**
 * A quick throughput figure, not a benchmark: one provider and one consumer runtime in this JVM, a
 * real ZooKeeper, loopback, N concurrent callers making small synchronous calls ({@code add}).
 * Prints calls per second, latency percentiles, heap bytes allocated per call (by every thread of
 * the JVM: callers, event loops, executors) and CPU time of the whole process per call, over the
 * measured window. CPU per call is the steadiest figure on a shared machine: other processes slow
 * the calls down but hardly change what each one costs.
 *
 * <p>Arguments: callers (default 32), warm-up seconds (5), measured seconds (10).
 */
public final class ThroughputProbe {
  private ThroughputProbe() {}

  public static void main(String[] args) throws Exception {
    int callers = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    try (TestingServer zk = new TestingServer(true);
        Farcall provider = Farcall.builder().registry(zk.getConnectString()).build();
        Farcall consumer = Farcall.builder().registry(zk.getConnectString()).build()) {
      provider.export(new GreeterImpl("p"));
      Greeter greeter = consumer.stub(Greeter.class);
      Poll.untilOrFail(
          "the provider serving",
          () -> catchThrowable(() -> greeter.add(1, 1)),
          Objects::isNull,
          Duration.ofSeconds(60));
      AtomicBoolean measuring = new AtomicBoolean();
      AtomicBoolean stop = new AtomicBoolean();
      long[][] samples = new long[callers][];
      int[] counts = new int[callers];
      CountDownLatch done = new CountDownLatch(callers);
      for (int c = 0; c < callers; c++) {
        int id = c;
        samples[id] = new long[4_000_000 / callers];
        Thread t =
            new Thread(
                () -> {
                  int n = 0;
                  long[] mine = samples[id];
                  while (!stop.get()) {
                    long start = System.nanoTime();
                    greeter.add(n, id);
                    long took = System.nanoTime() - start;
                    if (measuring.get() && n < mine.length) {
                      mine[n++] = took;
                    }
                  }
                  counts[id] = n;
                  done.countDown();
                },
                "caller-" + c);
        t.setDaemon(true);
        t.start();
      }
      Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
      long allocatedBefore = allocatedBytes();
      long cpuBefore = cpuNanos();
      measuring.set(true);
      long start = System.nanoTime();
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      measuring.set(false);
      long elapsed = System.nanoTime() - start;
      long allocated = allocatedBytes() - allocatedBefore;
      long cpu = cpuNanos() - cpuBefore;
      stop.set(true);
      done.await(30, TimeUnit.SECONDS);
      long total = Arrays.stream(counts).asLongStream().sum();
      long[] all = new long[(int) total];
      int k = 0;
      for (int c = 0; c < callers; c++) {
        System.arraycopy(samples[c], 0, all, k, counts[c]);
        k += counts[c];
      }
      Arrays.sort(all);
      System.out.printf(
          "callers=%d calls=%d seconds=%.1f throughput=%.0f calls/s p50=%.0f us p99=%.0f us p99.9=%.0f us"
              + " alloc=%.0f B/call cpu=%.1f us/call%n",
          callers,
          total,
          elapsed / 1e9,
          total / (elapsed / 1e9),
          all[(int) (all.length * 0.50)] / 1e3,
          all[(int) (all.length * 0.99)] / 1e3,
          all[(int) (all.length * 0.999)] / 1e3,
          (double) allocated / total,
          cpu / 1e3 / total);
    }
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * Heap bytes allocated so far by the threads alive now. Threads that die in the window are
   * missed, but the probe's threads (callers, event loops, executor workers) all live through it.
   */
  private static long allocatedBytes() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long b : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      if (b > 0) {
        sum += b;
      }
    }
    return sum;
  }
}
