package io.farcall.agent.faults;

import static org.assertj.core.api.Assertions.assertThat;

import acme.faults.Relay;
import acme.faults.Sink;
import io.farcall.DeadlineExceededException;
import io.farcall.agent.faults.Executions.Execution;
import io.farcall.agent.faults.Providers.Provider;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.Farcall;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 7: A (this JVM) calls B with a deadline; B waits, then calls C. C has only what is left
 * of A's deadline, and no work starts anywhere once it has passed: B's nested call after the
 * deadline fails without reaching C, and calls queued on a busy C past their deadline never start.
 *
 * <p>C reads its remaining time from the runtime's internal call context ({@code
 * acme.faults.RemainingTime}); Farcall has no public API for it.
 */
@Timeout(120)
class NestedDeadlineIT {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  @RegisterExtension
  static final FaultReport report =
      new FaultReport(7, "Nested calls A → B → C with an 800 ms deadline");

  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();
  @TempDir Path executions;

  private static final Duration DEADLINE = Duration.ofMillis(800);

  /** How long B waits before calling C: in time for four of five, past the deadline for one. */
  private static final int[] DELAYS = {0, 100, 200, 300, 1_000};

  /**
   * The deadline travels as the time remaining when a request is sent, and each hop starts its
   * clock when it reads the request: the time a request spends between the two (on loopback, in
   * socket buffers and event-loop queues, tens of milliseconds on a busy machine) is not deducted.
   * Comparisons with A's own clock allow this much for it; the table shows how much it was.
   */
  private static final long SLACK_MILLIS = 100;

  private static final int CALLERS = 8;
  private static final int CALLS_PER_CALLER = 25;
  private static final int HOLD_MILLIS = 300;

  record Outcome(String token, int delay, long startMillis, long micros, Throwable failure) {}

  @Test
  void aNestedCallHasOnlyWhatIsLeftOfTheDeadlineAndNothingStartsAfterIt() throws Exception {
    Provider b =
        Providers.start(
            jvms,
            "nested-B",
            zk.connectString(),
            executions,
            "acme.faults.NestedProvider",
            "relay");
    // One thread: calls to C queue, so some wait past their deadline.
    Provider c =
        Providers.start(
                jvms,
                "nested-C",
                zk.connectString(),
                ",threads=1",
                Map.of(),
                executions,
                "acme.faults.NestedProvider",
                "sink")
            .awaitReady();

    List<Outcome> relayed = new ArrayList<>();
    List<Outcome> held = new ArrayList<>();
    ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
    try (Farcall a = Farcall.builder().registry(zk.connectString()).timeout(DEADLINE).build()) {
      Relay relay = a.stub(Relay.class);
      Sink sink = a.stub(Sink.class);
      // B learns of C from its watch, a moment after C registered.
      Poll.untilTrue("a first call through B to C", () -> warmUp(relay), Duration.ofSeconds(30));

      List<Future<Outcome>> futures = new ArrayList<>();
      for (int t = 0; t < CALLERS; t++) {
        int caller = t;
        futures.add(
            callers.submit(
                () -> {
                  Outcome last = null;
                  for (int i = 0; i < CALLS_PER_CALLER; i++) {
                    int delay = DELAYS[(caller + i) % DELAYS.length];
                    String token = "relay-" + caller + "-" + i;
                    Outcome o = call(token, delay, () -> relay.relay(token, delay));
                    synchronized (relayed) {
                      relayed.add(o);
                    }
                    last = o;
                  }
                  return last;
                }));
      }
      for (Future<Outcome> f : futures) {
        f.get(2, TimeUnit.MINUTES);
      }
      futures.clear();
      for (int t = 0; t < CALLERS; t++) {
        String token = "hold-" + t;
        futures.add(
            callers.submit(
                () ->
                    call(
                        token,
                        0,
                        () -> {
                          sink.hold(token, HOLD_MILLIS);
                          return 0L;
                        })));
      }
      for (Future<Outcome> f : futures) {
        held.add(f.get(1, TimeUnit.MINUTES));
      }
      // B finishes its late calls after A gave up on them: wait for its record of each.
      Poll.untilTrue(
          "B's record of the outcome of every nested call",
          () -> nestedOutcomes() >= relayed.size(),
          Duration.ofSeconds(30));
    } finally {
      callers.shutdownNow();
    }
    Executions executed = Executions.read(executions);

    List<Outcome> inTime = relayed.stream().filter(o -> o.delay() < DEADLINE.toMillis()).toList();
    List<Outcome> late = relayed.stream().filter(o -> o.delay() >= DEADLINE.toMillis()).toList();
    List<Execution> onC = executed.all().filter(e -> e.provider().equals(c.name())).toList();
    List<String> ranTwiceOnC =
        onC.stream()
            .map(Execution::token)
            .filter(t -> !t.startsWith("warm-up"))
            .filter(t -> onC.stream().filter(e -> e.token().equals(t)).count() > 1)
            .distinct()
            .toList();
    long failed =
        relayed.stream().filter(o -> o.failure() != null).count()
            + held.stream().filter(o -> o.failure() != null).count();
    long startedAfterDeadline =
        onC.stream()
            .filter(e -> !e.token().startsWith("warm-up"))
            .filter(e -> e.startMillis() > deadlineMillis(e.token(), relayed, held))
            .count();
    // C's deadline (its start plus what it had left) against A's, for the calls that reached C.
    long cLaterMillis =
        inTime.stream()
            .mapToLong(
                o ->
                    executed.of(o.token()).stream()
                        .filter(e -> e.provider().equals(c.name()))
                        .mapToLong(
                            e ->
                                e.startMillis()
                                    + o.micros() / 1000
                                    - (o.startMillis() + DEADLINE.toMillis()))
                        .max()
                        .orElse(0))
            .max()
            .orElse(0);
    long holdsStarted = onC.stream().filter(e -> e.token().startsWith("hold-")).count();
    report.load(relayed.size() + held.size(), failed, ranTwiceOnC.size());
    StringBuilder left = new StringBuilder();
    for (int delay : DELAYS) {
      if (delay < DEADLINE.toMillis()) {
        long most =
            inTime.stream()
                .filter(o -> o.delay() == delay)
                .mapToLong(Outcome::micros)
                .max()
                .orElse(0);
        left.append(left.length() == 0 ? "" : ", ").append(delay).append(" → ").append(most / 1000);
      }
    }
    report.note(
        "B waited ms → most ms C had left of the "
            + DEADLINE.toMillis()
            + " ms A gave: "
            + left
            + "; C's deadline was up to "
            + cLaterMillis
            + " ms later than A's (time in transit is not deducted)");
    report.note(
        late.size()
            + " calls whose deadline passed while B waited: "
            + late.stream().filter(o -> ranOn(executed, o, c)).count()
            + " reached C");
    report.note(
        "C with one thread, "
            + held.size()
            + " calls holding it "
            + HOLD_MILLIS
            + " ms: "
            + holdsStarted
            + " started, the rest never did");
    report.note(startedAfterDeadline + " calls started after their deadline");

    assertThat(inTime)
        .as("calls whose deadline left time for C")
        .isNotEmpty()
        .allSatisfy(
            o -> {
              assertThat(o.failure()).as(o.token()).isNull();
              Execution atC =
                  executed.of(o.token()).stream()
                      .filter(e -> e.provider().equals(c.name()))
                      .findFirst()
                      .orElseThrow();
              assertThat(o.micros())
                  .as("µs C had left for %s, B having waited %d ms", o.token(), o.delay())
                  .isPositive()
                  .isLessThan(DEADLINE.toNanos() / 1000)
                  .isLessThanOrEqualTo((DEADLINE.toMillis() - o.delay() + SLACK_MILLIS) * 1000);
            });
    assertThat(late)
        .as("calls whose deadline passed while B waited")
        .isNotEmpty()
        .allSatisfy(
            o -> {
              assertThat(o.failure()).isInstanceOf(DeadlineExceededException.class);
              assertThat(executed.of(o.token()))
                  .as("where %s ran", o.token())
                  .noneMatch(e -> e.provider().equals(c.name()))
                  .anyMatch(
                      e ->
                          e.provider().equals(b.name())
                              && e.detail()
                                  .equals(
                                      "nested-failed "
                                          + DeadlineExceededException.class.getName()));
            });
    assertThat(holdsStarted)
        .as("calls that started on C holding its only thread")
        .isLessThan(held.size());
    assertThat(held.stream().filter(o -> o.failure() != null))
        .as("calls that waited for C's thread")
        .allSatisfy(o -> assertThat(o.failure()).isInstanceOf(DeadlineExceededException.class));
    assertThat(onC)
        .as("calls started on C")
        .filteredOn(e -> !e.token().startsWith("warm-up"))
        .allSatisfy(
            e ->
                assertThat(e.startMillis())
                    .as("start of %s", e.token())
                    .isLessThanOrEqualTo(deadlineMillis(e.token(), relayed, held) + SLACK_MILLIS));
    assertThat(ranTwiceOnC).as("calls that ran on C more than once").isEmpty();
  }

  private static final AtomicInteger WARM_UPS = new AtomicInteger();

  /** One call through B to C, with a token of its own (a cold first try may time out). */
  private static boolean warmUp(Relay relay) {
    try {
      relay.relay("warm-up-" + WARM_UPS.incrementAndGet(), 0);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Outcome call(String token, int delay, Callable<Long> call) {
    long startMillis = System.currentTimeMillis();
    try {
      return new Outcome(token, delay, startMillis, call.call(), null);
    } catch (Exception e) {
      return new Outcome(token, delay, startMillis, -1, e);
    }
  }

  private static boolean ranOn(Executions executed, Outcome o, Provider p) {
    return executed.of(o.token()).stream().anyMatch(e -> e.provider().equals(p.name()));
  }

  /** When A's deadline for {@code token} passed, in epoch milliseconds. */
  private static long deadlineMillis(String token, List<Outcome> relayed, List<Outcome> held) {
    for (List<Outcome> outcomes : List.of(relayed, held)) {
      for (Outcome o : outcomes) {
        if (o.token().equals(token)) {
          return o.startMillis() + DEADLINE.toMillis();
        }
      }
    }
    throw new AssertionError("no call of " + token);
  }

  private long nestedOutcomes() {
    try {
      return Executions.read(executions)
          .all()
          .filter(e -> e.detail().startsWith("nested-") && !e.token().startsWith("warm-up"))
          .count();
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
