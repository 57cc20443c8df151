package io.farcall.demo.consumer;

import io.farcall.RpcException;
import io.farcall.demo.api.InvalidOperation;
import io.farcall.demo.api.Operation;
import io.farcall.demo.api.Pong;
import io.farcall.demo.api.User;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * What the consumer does, step by step, printing every call and its result. A step whose outcome
 * differs from what it should be is printed as {@code UNEXPECTED ...} and remembered: {@link
 * #failures()} decides the consumer's exit status.
 */
final class Scenarios {
  private static final Duration PROVIDERS_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(20);
  private static final int CALLS_AFTER_KILL = 20;

  private final Services services;
  private final LauncherLink launcher;
  private final List<String> providers;
  private final String victim;
  private final List<String> failures = new ArrayList<>();

  /**
   * @param providers the names of the providers the launcher starts
   * @param victim the one of them to have killed half-way
   */
  Scenarios(Services services, LauncherLink launcher, List<String> providers, String victim) {
    this.services = services;
    this.launcher = launcher;
    this.providers = List.copyOf(providers);
    this.victim = victim;
  }

  List<String> failures() {
    return List.copyOf(failures);
  }

  void run() throws InterruptedException {
    if (!awaitProviders()) {
      return;
    }
    userService();
    friendService();
    calculator();
    bothProvidersServed();
    invalidOperation();
    if (!killVictim()) {
      return;
    }
    callsAfterKill();
  }

  /** Pings until every provider has answered: they register with ZooKeeper as they start. */
  private boolean awaitProviders() throws InterruptedException {
    say("waiting for " + String.join(" and ", providers) + " to answer ping()");
    long start = System.nanoTime();
    long deadline = start + PROVIDERS_TIMEOUT.toNanos();
    List<String> seen = new ArrayList<>();
    RuntimeException last = null;
    while (!seen.containsAll(providers)) {
      if (System.nanoTime() > deadline) {
        unexpected(
            "only "
                + seen
                + " answered ping() within "
                + PROVIDERS_TIMEOUT.toSeconds()
                + " s; last failure: "
                + last);
        return false;
      }
      try {
        Pong pong = services.ping.ping();
        if (!seen.contains(pong.provider())) {
          seen.add(pong.provider());
          say("ping() -> " + pong + "   (first answer from " + pong.provider() + ")");
        }
      } catch (RpcException e) {
        // NoProviderException until the first provider has registered
        last = e;
        Thread.sleep(100);
      }
    }
    say(
        "both providers answer, "
            + Duration.ofNanos(System.nanoTime() - start).toMillis()
            + " ms after they were asked to start");
    return true;
  }

  private void userService() {
    User erin =
        call(
            "users.register(\"erin\", \"secret\")",
            () -> services.users.register("erin", "secret"));
    expect(erin != null && erin.name().equals("erin"), "register returned " + erin);
    Optional<User> alice =
        call(
            "users.login(\"alice\", \"wonderland\")",
            () -> services.users.login("alice", "wonderland"));
    expect(
        alice != null && alice.map(User::name).equals(Optional.of("alice")),
        "alice could not log in: " + alice);
    Optional<User> intruder =
        call("users.login(\"alice\", \"guess\")", () -> services.users.login("alice", "guess"));
    expect(Optional.empty().equals(intruder), "a wrong password was accepted: " + intruder);
  }

  private void friendService() {
    List<User> friends = call("friends.friends(1)", () -> services.friends.friends(1));
    expect(
        friends != null
            && friends.stream().map(User::name).toList().equals(List.of("bob", "carol")),
        "alice's friends should be bob and carol, not " + friends);
  }

  private void calculator() {
    Integer sum = call("calculator.add(2, 3)", () -> services.calculator.add(2, 3));
    expect(Objects.equals(sum, 5), "2 + 3 = " + sum);
    Integer product = call("calculator.multiply(6, 7)", () -> services.calculator.multiply(6, 7));
    expect(Objects.equals(product, 42), "6 * 7 = " + product);
    Integer quotient = call("calculator.divide(84, 2)", () -> services.calculator.divide(84, 2));
    expect(Objects.equals(quotient, 42), "84 / 2 = " + quotient);
  }

  /** Calls are spread over the providers: a few pings show who answers. */
  private void bothProvidersServed() {
    Map<String, Integer> answers = new TreeMap<>();
    for (int i = 0; i < 6 || (i < 20 && !answers.keySet().containsAll(providers)); i++) {
      Pong pong = call("ping()", () -> services.ping.ping());
      if (pong != null) {
        answers.merge(pong.provider(), 1, Integer::sum);
      }
    }
    if (answers.keySet().containsAll(providers)) {
      say("both providers served: pings answered by " + answers);
    } else {
      unexpected("not every provider served: pings answered by " + answers);
    }
  }

  /** A declared application exception crosses the wire as its own type, with its fields. */
  private void invalidOperation() {
    say("calculator.divide(1, 0) ...");
    try {
      int result = services.calculator.divide(1, 0);
      unexpected("divide(1, 0) returned " + result + " instead of throwing InvalidOperation");
    } catch (InvalidOperation e) {
      say("  threw " + e.getClass().getName() + ": " + e.getMessage());
      say("  fields: op=" + e.op() + ", why=\"" + e.why() + "\"");
      StackTraceElement top = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
      say("  thrown on the provider at " + top);
      if (e.op() == Operation.DIVIDE && e.why() != null) {
        say("InvalidOperation arrived as itself");
      } else {
        unexpected("InvalidOperation arrived without its fields");
      }
    } catch (RuntimeException e) {
      unexpected("divide(1, 0) threw " + e + " instead of InvalidOperation");
    }
  }

  /** Asks the launcher to kill the victim with SIGKILL, and waits until it is dead. */
  private boolean killVictim() throws InterruptedException {
    say("asking the launcher to kill " + victim);
    launcher.send("KILL " + victim);
    Optional<String> answer = launcher.next(KILL_TIMEOUT);
    if (!answer.equals(Optional.of("KILLED " + victim))) {
      unexpected("the launcher did not confirm the kill of " + victim + ": " + answer);
      return false;
    }
    say(victim + " is dead; calling on");
    return true;
  }

  /**
   * Calls go on after the kill. The dead provider stays registered until its ZooKeeper session
   * expires, so the consumer still tries it: its connection is refused before any request is
   * written, and the call goes to a live provider. The calls are a mix of idempotent reads and a
   * login, which Farcall never retries once its request may have reached a provider; nothing is in
   * flight at the moment of the kill, so every call should succeed, and any failure is counted.
   */
  private void callsAfterKill() {
    String survivors =
        String.join(", ", providers.stream().filter(p -> !p.equals(victim)).toList());
    int succeeded = 0;
    Map<String, Integer> pings = new TreeMap<>();
    for (int i = 1; i <= CALLS_AFTER_KILL; i++) {
      String label = "after kill #" + i + ": ";
      Object result =
          switch (i % 4) {
            case 1 -> {
              Pong pong = call(label + "ping()", () -> services.ping.ping());
              if (pong != null) {
                pings.merge(pong.provider(), 1, Integer::sum);
              }
              yield pong;
            }
            case 2 -> call(label + "friends.friends(3)", () -> services.friends.friends(3));
            case 3 -> {
              int a = i;
              yield call(
                  label + "calculator.add(" + a + ", " + a + ")",
                  () -> services.calculator.add(a, a));
            }
            default ->
                call(
                    label + "users.login(\"bob\", \"builder\")",
                    () -> services.users.login("bob", "builder"));
          };
      if (result != null) {
        succeeded++;
      }
    }
    if (pings.containsKey(victim)) {
      unexpected("the killed " + victim + " answered pings: " + pings);
    }
    String summary =
        "after the kill: "
            + succeeded
            + " of "
            + CALLS_AFTER_KILL
            + " calls succeeded, pings answered by "
            + pings;
    if (succeeded == CALLS_AFTER_KILL) {
      say(summary + " (" + survivors + " took over)");
    } else {
      unexpected(summary);
    }
  }

  /** Makes one call, printing it and its outcome; null if it failed. */
  private <T> T call(String what, Callable<T> call) {
    try {
      T result = call.call();
      say(what + " -> " + result);
      return result;
    } catch (Exception e) {
      unexpected(what + " failed: " + e);
      return null;
    }
  }

  private void expect(boolean ok, String otherwise) {
    if (!ok) {
      unexpected(otherwise);
    }
  }

  private void unexpected(String what) {
    failures.add(what);
    say("UNEXPECTED " + what);
  }

  static void say(String line) {
    System.out.println(line);
  }
}
