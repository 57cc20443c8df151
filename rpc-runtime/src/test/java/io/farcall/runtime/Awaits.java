package io.farcall.runtime;

import io.farcall.runtime.testing.Greeter;
import java.util.HashSet;
import java.util.Set;

/** Bounded waits for what discovery makes true eventually. */
final class Awaits {
  private Awaits() {}

  /** Calls until both providers "A" and "B" have answered, for at most 20 seconds. */
  static void bothProvidersServe(Greeter greeter) {
    Set<String> seen = new HashSet<>();
    long end = System.nanoTime() + 20_000_000_000L;
    while (seen.size() < 2) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("only " + seen + " answered within 20 s");
      }
      try {
        seen.add(greeter.whoAmI());
      } catch (RuntimeException e) {
        // not registered yet
      }
      sleep(20);
    }
  }

  /** Calls until each named provider has answered, for at most 20 seconds. */
  static void providersServe(Greeter greeter, String... names) {
    Set<String> wanted = Set.of(names);
    Set<String> seen = new HashSet<>();
    long end = System.nanoTime() + 20_000_000_000L;
    while (!seen.containsAll(wanted)) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("only " + seen + " answered within 20 s");
      }
      try {
        seen.add(greeter.whoAmI());
      } catch (RuntimeException e) {
        // not registered yet
      }
      sleep(5);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Reads until {@code done} holds of what was read, for at most {@code timeout}; the last read.
   */
  static <T> T until(
      java.util.function.Supplier<T> read,
      java.util.function.Predicate<T> done,
      java.time.Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    T value = read.get();
    while (!done.test(value) && System.nanoTime() - end < 0) {
      sleep(20);
      value = read.get();
    }
    return value;
  }
}
