package io.farcall.bench.run;

import io.farcall.bench.model.UserService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives one peer's {@link UserService} with a workload and measures it: warm-up, then a measured
 * window whose latencies (HdrHistogram, nanoseconds, three significant digits), throughput and
 * allocation are reported as one {@link Result}. Only successful calls are counted and timed;
 * failures are counted apart and the first one is printed.
 */
final class LoadRunner {
  private final UserService service;
  private final String peer;
  private final int providers;
  private final int warmupStretch;
  private final JvmMeter jvm = new JvmMeter();

  /**
   * @param warmupStretch how many times its planned length more a warm-up may go on while the JIT
   *     is still compiling
   */
  LoadRunner(UserService service, String peer, int providers, int warmupStretch) {
    this.service = service;
    this.peer = peer;
    this.providers = providers;
    this.warmupStretch = warmupStretch;
  }

  /** {@code callers} threads, each making its next call as soon as the last one returned. */
  Result closedLoop(Workload w, int callers, int payload, long warmupMillis, long measureMillis)
      throws InterruptedException {
    Measurement m = new Measurement();
    List<Thread> threads = new ArrayList<>(callers);
    for (int c = 0; c < callers; c++) {
      Workload.Args args = new Workload.Args(c, payload);
      Thread t =
          new Thread(
              () -> {
                while (!m.stopped) {
                  long start = System.nanoTime();
                  try {
                    w.call(service, args);
                    m.recorder.recordValue(System.nanoTime() - start);
                  } catch (RuntimeException e) {
                    m.failed(e);
                  }
                }
              },
              "bench-caller-" + c);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
    Result r = m.measure(w, String.valueOf(callers), payload, warmupMillis, measureMillis);
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
    return r;
  }

  /** One thread keeps {@code inFlight} asynchronous calls outstanding. */
  Result async(Workload w, int inFlight, int payload, long warmupMillis, long measureMillis)
      throws InterruptedException {
    Measurement m = new Measurement();
    Semaphore slots = new Semaphore(inFlight);
    Thread t =
        new Thread(
            () -> {
              Workload.Args args = new Workload.Args(0, payload);
              try {
                while (!m.stopped) {
                  if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                  }
                  long start = System.nanoTime();
                  CompletableFuture<?> f;
                  try {
                    f = w.callAsync(service, args);
                  } catch (RuntimeException e) {
                    m.failed(e);
                    slots.release();
                    continue;
                  }
                  f.whenComplete(
                      (v, e) -> {
                        if (e == null) {
                          m.recorder.recordValue(System.nanoTime() - start);
                        } else {
                          m.failed(e);
                        }
                        slots.release();
                      });
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "bench-async");
    t.setDaemon(true);
    t.start();
    Result r = m.measure(w, "async" + inFlight, payload, warmupMillis, measureMillis);
    t.join(TimeUnit.SECONDS.toMillis(30));
    // Let the last calls finish before the next measurement starts.
    if (slots.tryAcquire(inFlight, 30, TimeUnit.SECONDS)) {
      slots.release(inFlight);
    }
    return r;
  }

  /**
   * Warms up for at least {@code warmupMillis}, and then on while the JIT is still busy, up to
   * {@code warmupStretch} times that more: a peer with more code on its call path (codec, registry,
   * invocation pipeline) takes longer to compile, and on two cores the compilers' CPU and the
   * unfinished code would count against it. Done once the last two seconds held (almost) no
   * compilation.
   */
  private void warmUp(long warmupMillis) throws InterruptedException {
    long start = System.nanoTime();
    long least = start + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
    long most = start + TimeUnit.MILLISECONDS.toNanos((1 + warmupStretch) * warmupMillis);
    long[] window = new long[QUIET_STEPS + 1]; // JIT time at each step, oldest first
    Arrays.fill(window, jvm.jitMillis());
    for (int steps = 0; ; steps++) {
      long now = System.nanoTime();
      boolean quiet = steps >= QUIET_STEPS && window[QUIET_STEPS] - window[0] <= SETTLED_JIT_MILLIS;
      if (now - most >= 0 || (now - least >= 0 && quiet)) {
        return;
      }
      Thread.sleep(SETTLE_STEP_MILLIS);
      System.arraycopy(window, 1, window, 0, QUIET_STEPS);
      window[QUIET_STEPS] = jvm.jitMillis();
    }
  }

  private static final long SETTLE_STEP_MILLIS = 250;

  /** Steps in the window that must be (almost) free of compilation: two seconds. */
  private static final int QUIET_STEPS = 8;

  /** JIT time in that window under which the compilers count as settled (1% of the window). */
  private static final long SETTLED_JIT_MILLIS = 20;

  /** The shared part: warm up, measure a window, stop the load. */
  private final class Measurement {
    final Recorder recorder = new Recorder(3);
    final LongAdder errors = new LongAdder();
    final AtomicReference<Throwable> firstError = new AtomicReference<>();
    volatile boolean measuring;
    volatile boolean stopped;

    void failed(Throwable e) {
      if (measuring) {
        errors.increment();
      }
      if (firstError.compareAndSet(null, e)) {
        System.err.println("first failed call: " + e);
      }
    }

    Result measure(Workload w, String mode, int payload, long warmupMillis, long measureMillis)
        throws InterruptedException {
      warmUp(warmupMillis);
      recorder.reset();
      long jitBefore = jvm.jitMillis();
      long bytesBefore = jvm.allocatedBytes();
      long cpuBefore = jvm.processCpuNanos();
      long start = System.nanoTime();
      measuring = true;
      Thread.sleep(measureMillis);
      Histogram h = recorder.getIntervalHistogram();
      long elapsed = System.nanoTime() - start;
      long bytes = jvm.allocatedBytes() - bytesBefore;
      long cpu = jvm.processCpuNanos() - cpuBefore;
      long jit = jvm.jitMillis() - jitBefore;
      measuring = false;
      stopped = true;
      long calls = h.getTotalCount();
      return new Result(
          peer,
          w.label(),
          mode,
          payload,
          providers,
          calls,
          errors.sum(),
          calls / (elapsed / 1e9),
          h.getValueAtPercentile(50) / 1e3,
          h.getValueAtPercentile(99) / 1e3,
          h.getValueAtPercentile(99.9) / 1e3,
          calls == 0 ? 0 : (double) bytes / calls,
          calls == 0 ? 0 : cpu / 1e3 / calls,
          jit);
    }
  }
}
