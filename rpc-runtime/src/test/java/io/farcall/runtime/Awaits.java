package io.farcall.runtime;

import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.Poll;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/** Bounded waits for what discovery makes true eventually. */
final class Awaits {
  private Awaits() {}

  /** Calls until both providers "A" and "B" have answered, for at most 20 seconds. */
  static void bothProvidersServe(Greeter greeter) {
    providersServe(greeter, "A", "B");
  }

  /** Calls until each named provider has answered, for at most 20 seconds. */
  static void providersServe(Greeter greeter, String... names) {
    Set<String> wanted = Set.of(names);
    Set<String> seen = new HashSet<>();
    Poll.untilOrFail(
        "an answer from each of " + wanted,
        () -> {
          try {
            seen.add(greeter.whoAmI());
          } catch (RuntimeException e) {
            // not registered yet
          }
          return seen;
        },
        answered -> answered.containsAll(wanted),
        Duration.ofSeconds(20));
  }
}
