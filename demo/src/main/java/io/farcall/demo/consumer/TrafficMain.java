package io.farcall.demo.consumer;

import io.farcall.demo.api.InvalidOperation;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady traffic for dashboards: {@code TrafficMain <seconds> [callers]} calls the demo's services
 * from a few threads for that long, at a varying pace, with an {@code InvalidOperation} now and
 * then (a division by zero), then prints how many calls it made and exits. Run it with the agent,
 * next to providers started with {@code ProviderMain}, and an {@code adminport} on each JVM for
 * Prometheus to scrape (see {@code ops/prometheus/}).
 */
public final class TrafficMain {
  private TrafficMain() {}

  public static void main(String[] args) throws InterruptedException {
    Duration length = Duration.ofSeconds(Long.parseLong(args.length > 0 ? args[0] : "120"));
    int callers = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    Services services = new Services();
    if (!services.filled()) {
      System.err.println("the remote services are not filled in: run with the Farcall agent");
      System.exit(2);
    }
    long end = System.nanoTime() + length.toNanos();
    AtomicLong calls = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    for (int i = 0; i < callers; i++) {
      pool.execute(() -> callUntil(services, end, calls, failed));
    }
    pool.shutdown();
    pool.awaitTermination(length.toSeconds() + 60, TimeUnit.SECONDS);
    System.out.println("TRAFFIC DONE calls=" + calls + " failed=" + failed);
  }

  private static void callUntil(Services s, long end, AtomicLong calls, AtomicLong failed) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (System.nanoTime() < end) {
      try {
        switch (random.nextInt(10)) {
          case 0, 1 -> s.users.login("alice", "wonderland");
          case 2, 3, 4 -> s.friends.friends(1 + random.nextInt(3));
          case 5 -> s.users.register("user" + random.nextInt(1_000_000), "secret");
          case 6, 7 -> s.calculator.add(random.nextInt(100), random.nextInt(100));
          case 8 -> s.calculator.divide(random.nextInt(100), random.nextInt(20)); // 0 now and then
          default -> s.ping.ping();
        }
      } catch (InvalidOperation e) {
        failed.incrementAndGet();
      } catch (RuntimeException e) {
        failed.incrementAndGet();
      }
      calls.incrementAndGet();
      // The pace drifts over a minute, so the graphs have a shape.
      double phase = (System.nanoTime() / 1e9) * (2 * Math.PI / 60);
      long pauseMicros = (long) (1_500 + 1_000 * Math.sin(phase)) + random.nextInt(500);
      try {
        TimeUnit.MICROSECONDS.sleep(pauseMicros);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
