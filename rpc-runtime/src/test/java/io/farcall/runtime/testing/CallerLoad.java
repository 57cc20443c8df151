package io.farcall.runtime.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Callers that make one call after another until {@link #close}, counting the calls that returned
 * each value (which provider served them, say) and keeping every failure: the load of the tests
 * that stop or restart providers and expect no call to fail.
 */
public final class CallerLoad<T> implements AutoCloseable {
  /** One call; {@code caller} and {@code n} (its count of calls so far) can make it unique. */
  public interface Call<T> {
    T call(int caller, long n);
  }

  private final ExecutorService threads;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Map<T, AtomicLong> returned = new ConcurrentHashMap<>();
  private final AtomicLong ok = new AtomicLong();
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();

  private CallerLoad(int callers, Call<T> call) {
    threads = Executors.newFixedThreadPool(callers);
    for (int i = 0; i < callers; i++) {
      int caller = i;
      threads.execute(
          () -> {
            for (long n = 0; running.get(); n++) {
              try {
                T value = call.call(caller, n);
                returned.computeIfAbsent(value, v -> new AtomicLong()).incrementAndGet();
                ok.incrementAndGet();
              } catch (RuntimeException e) {
                failures.add(e);
              }
            }
          });
    }
  }

  /** Starts {@code callers} threads, each making {@code call} in a loop. */
  public static <T> CallerLoad<T> start(int callers, Call<T> call) {
    return new CallerLoad<>(callers, call);
  }

  /** The calls that succeeded so far. */
  public long ok() {
    return ok.get();
  }

  /** The calls that returned {@code value} so far. */
  public long returned(T value) {
    AtomicLong n = returned.get(value);
    return n == null ? 0 : n.get();
  }

  public List<Throwable> failures() {
    return List.copyOf(failures);
  }

  /** What the calls returned, how often, and the first failures: for assertion messages. */
  public String summary() {
    StringBuilder s =
        new StringBuilder(ok() + " calls succeeded, " + failures.size() + " failed; " + returned);
    failures.stream().limit(5).forEach(f -> s.append("\n  ").append(f));
    return s.toString();
  }

  /**
   * Stops the callers and waits for their last calls (10 s at most, else fails: a call that hangs
   * is a failure too).
   */
  @Override
  public void close() throws InterruptedException {
    running.set(false);
    threads.shutdown();
    if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
      threads.shutdownNow();
      throw new IllegalStateException("callers still running 10 s after the load stopped");
    }
  }
}
