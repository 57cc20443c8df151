package io.farcall.agent.faults;

import acme.faults.Ledger;
import io.farcall.runtime.testing.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Caller threads that call {@link Ledger} in a loop until {@link #close()}, alternating idempotent
 * ({@code read}) and non-idempotent ({@code write}) calls, each with a token of its own, and
 * remember every call: when it started and ended, which provider served it or what it threw. Times
 * are {@link System#nanoTime()} of this JVM, so they compare with the moments a test injects a
 * fault.
 */
final class Load implements AutoCloseable {
  /** The provider's "work" per call. */
  static final int WORK_MILLIS = 5;

  /** Each caller's pause between calls: keeps 32 callers from saturating two cores. */
  static final int PAUSE_MILLIS = 5;

  /** One call as its caller saw it. */
  record Call(
      String token,
      boolean idempotent,
      long startNanos,
      long endNanos,
      long startMillis,
      String provider,
      RuntimeException failure) {
    boolean ok() {
      return failure == null;
    }

    Duration took() {
      return Duration.ofNanos(endNanos - startNanos);
    }
  }

  private final String name;
  private final Ledger ledger;
  private final List<Thread> callers = new ArrayList<>();
  private final Queue<Call> calls = new ConcurrentLinkedQueue<>();
  private final Map<String, Long> lastServed = new ConcurrentHashMap<>();
  private volatile boolean stopping;

  private Load(String name, Ledger ledger) {
    this.name = name;
    this.ledger = ledger;
  }

  /** Starts {@code callers} threads calling {@code ledger}; tokens start with {@code name}. */
  static Load start(String name, Ledger ledger, int callers) {
    Load load = new Load(name, ledger);
    for (int i = 0; i < callers; i++) {
      int caller = i;
      Thread t = new Thread(() -> load.run(caller), name + "-caller-" + i);
      t.setDaemon(true);
      load.callers.add(t);
    }
    load.callers.forEach(Thread::start);
    return load;
  }

  private void run(int caller) {
    for (long seq = 0; !stopping; seq++) {
      String token = name + "-" + caller + "-" + seq;
      boolean idempotent = (caller + seq) % 2 == 0;
      long startMillis = System.currentTimeMillis();
      long start = System.nanoTime();
      String provider = null;
      RuntimeException failure = null;
      try {
        provider = idempotent ? ledger.read(token, WORK_MILLIS) : ledger.write(token, WORK_MILLIS);
      } catch (RuntimeException e) {
        failure = e;
      }
      long end = System.nanoTime();
      calls.add(new Call(token, idempotent, start, end, startMillis, provider, failure));
      if (provider != null) {
        lastServed.merge(provider, end, Math::max);
      }
      try {
        Thread.sleep(PAUSE_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * Waits until {@code provider} has served a call that ended after {@code afterNanos}; fails if
   * none did within {@code timeout}. Returns when the first such call ended.
   */
  long awaitServedBy(String provider, long afterNanos, Duration timeout) {
    if (!Poll.until(() -> servedAfter(provider, afterNanos), served -> served, timeout)) {
      throw new AssertionError(
          provider + " served no call within " + timeout + "; calls so far: " + summary(calls()));
    }
    return firstServedBy(calls(), provider, afterNanos).orElseThrow();
  }

  private boolean servedAfter(String provider, long afterNanos) {
    Long last = lastServed.get(provider);
    return last != null && last - afterNanos > 0;
  }

  /**
   * Lets the callers go on calling for {@code time}: a stretch of a scenario's timeline (steady
   * load before a fault, the fault itself, load after recovery), not a wait for anything to happen.
   * A negative time is none.
   */
  void runFor(Duration time) throws InterruptedException {
    Thread.sleep(Math.max(0, time.toMillis()));
  }

  /** Stops the callers and waits for their last calls to end; idempotent. */
  @Override
  public void close() throws InterruptedException {
    stopping = true;
    for (Thread t : callers) {
      t.join(TimeUnit.SECONDS.toMillis(30));
      if (t.isAlive()) {
        throw new AssertionError(t.getName() + " is still in a call 30 s after the load stopped");
      }
    }
  }

  /** Every call that has ended so far, in no particular order. */
  List<Call> calls() {
    return List.copyOf(calls);
  }

  /** When the first call served by {@code provider} that ended after {@code afterNanos} ended. */
  static OptionalLong firstServedBy(List<Call> calls, String provider, long afterNanos) {
    return calls.stream()
        .filter(c -> provider.equals(c.provider()) && c.endNanos() - afterNanos > 0)
        .mapToLong(Call::endNanos)
        .min();
  }

  /** When the last call served by {@code provider} ended. */
  static OptionalLong lastServedBy(List<Call> calls, String provider) {
    return calls.stream()
        .filter(c -> provider.equals(c.provider()))
        .mapToLong(Call::endNanos)
        .max();
  }

  static List<Call> failures(List<Call> calls, Predicate<Call> which) {
    return calls.stream().filter(c -> !c.ok() && which.test(c)).toList();
  }

  /** "none", or each exception type with how many calls ended with it: "Foo ×3, Bar ×1". */
  static String failureTypes(List<Call> calls) {
    Map<String, Integer> failed = new TreeMap<>();
    for (Call c : calls) {
      if (!c.ok()) {
        failed.merge(c.failure().getClass().getSimpleName(), 1, Integer::sum);
      }
    }
    if (failed.isEmpty()) {
      return "none";
    }
    List<String> parts = new ArrayList<>();
    failed.forEach((type, n) -> parts.add(type + " ×" + n));
    return String.join(", ", parts);
  }

  /** For messages: the first {@code limit} failed calls, each with where it ran, if anywhere. */
  static String failuresWithExecutions(List<Call> calls, Executions executed, int limit) {
    StringBuilder b = new StringBuilder();
    calls.stream()
        .filter(c -> !c.ok())
        .sorted(java.util.Comparator.comparingLong(Call::startNanos))
        .limit(limit)
        .forEach(
            c ->
                b.append("\n  ")
                    .append(c.token())
                    .append(c.idempotent() ? " (idempotent)" : "")
                    .append(" took ")
                    .append(c.took().toMillis())
                    .append(" ms: ")
                    .append(c.failure())
                    .append("; ran on ")
                    .append(executed.of(c.token())));
    return b.toString();
  }

  /** For messages: calls, successes per provider, failures per exception type. */
  static String summary(List<Call> calls) {
    Map<String, Integer> served = new TreeMap<>();
    Map<String, Integer> failed = new TreeMap<>();
    for (Call c : calls) {
      if (c.ok()) {
        served.merge(c.provider(), 1, Integer::sum);
      } else {
        failed.merge(c.failure().getClass().getSimpleName(), 1, Integer::sum);
      }
    }
    return calls.size() + " calls, served " + served + ", failed " + failed;
  }
}
