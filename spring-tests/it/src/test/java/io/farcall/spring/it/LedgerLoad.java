package io.farcall.spring.it;

import acme.ledger.Ledger;
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
 * Callers that call {@link Ledger#record} in a loop, each call with a token of its own, counting
 * which provider served each call and keeping every failure.
 */
final class LedgerLoad implements AutoCloseable {
  private final ExecutorService threads;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Map<String, AtomicLong> servedBy = new ConcurrentHashMap<>();
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private final AtomicLong calls = new AtomicLong();

  private LedgerLoad(Ledger ledger, int callers) {
    threads = Executors.newFixedThreadPool(callers);
    for (int i = 0; i < callers; i++) {
      int caller = i;
      threads.execute(
          () -> {
            for (long n = 0; running.get(); n++) {
              try {
                String who = ledger.record("c" + caller + "-" + n, 1);
                servedBy.computeIfAbsent(who, w -> new AtomicLong()).incrementAndGet();
              } catch (RuntimeException e) {
                failures.add(e);
              }
              calls.incrementAndGet();
            }
          });
    }
  }

  static LedgerLoad start(Ledger ledger, int callers) {
    return new LedgerLoad(ledger, callers);
  }

  /** How many calls {@code provider} served so far. */
  long servedBy(String provider) {
    AtomicLong n = servedBy.get(provider);
    return n == null ? 0 : n.get();
  }

  long calls() {
    return calls.get();
  }

  List<Throwable> failures() {
    return List.copyOf(failures);
  }

  /** Who served how many calls, and the first failures: for assertion messages. */
  String summary() {
    StringBuilder s = new StringBuilder(calls() + " calls, served by " + servedBy);
    failures.stream().limit(5).forEach(f -> s.append("\n  ").append(f));
    return s.toString();
  }

  /** Stops the callers and waits for their last calls. */
  @Override
  public void close() throws InterruptedException {
    running.set(false);
    threads.shutdown();
    if (!threads.awaitTermination(30, TimeUnit.SECONDS)) {
      threads.shutdownNow();
      throw new IllegalStateException("callers still running 30 s after the load stopped");
    }
  }
}
