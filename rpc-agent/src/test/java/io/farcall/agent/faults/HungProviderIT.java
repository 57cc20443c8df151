package io.farcall.agent.faults;

import static io.farcall.agent.faults.FaultReport.between;
import static org.assertj.core.api.Assertions.assertThat;

import acme.faults.Ledger;
import io.farcall.DeadlineExceededException;
import io.farcall.agent.faults.Load.Call;
import io.farcall.agent.faults.Providers.Provider;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.Farcall;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 3: one of three providers hangs (SIGSTOP: its sockets stay open, nothing answers). The
 * calls it holds end at their deadline, it is ejected and gets no more calls; after SIGCONT it
 * answers its probe and serves calls again.
 */
@Timeout(120)
class HungProviderIT {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  @RegisterExtension
  static final FaultReport report =
      new FaultReport(3, "A provider hangs (SIGSTOP 6 s, then SIGCONT), 32 callers, 1 s deadline");

  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();
  @TempDir Path executions;

  private static final Duration DEADLINE = Duration.ofSeconds(1);
  private static final Duration HUNG_FOR = Duration.ofSeconds(6);

  /**
   * Ejection follows five calls in a row that reach their deadline, so the last call routed to the
   * hung provider starts within about one deadline of the hang; this leaves a second more.
   */
  private static final Duration ROUTED_AT_MOST = DEADLINE.multipliedBy(2);

  @Test
  void callsToAHungProviderEndAtTheirDeadlineAndItIsEjectedUntilItAnswersAgain() throws Exception {
    Provider a = Providers.ledger(jvms, "hang-A", zk.connectString(), executions).awaitReady();
    Provider b = Providers.ledger(jvms, "hang-B", zk.connectString(), executions).awaitReady();
    Provider c = Providers.ledger(jvms, "hang-C", zk.connectString(), executions).awaitReady();

    long stoppedAt;
    long resumedAt;
    long backAt;
    List<Call> calls;
    try (Farcall consumer =
            Farcall.builder().registry(zk.connectString()).timeout(DEADLINE).build();
        Load load = Load.start("hang", consumer.stub(Ledger.class), 32)) {
      long start = System.nanoTime();
      for (Provider p : List.of(a, b, c)) {
        load.awaitServedBy(p.name(), start, Duration.ofSeconds(30));
      }
      load.runFor(Duration.ofSeconds(1));
      stoppedAt = System.nanoTime();
      c.jvm().suspend();
      load.runFor(HUNG_FOR);
      resumedAt = System.nanoTime();
      c.jvm().resume();
      backAt = load.awaitServedBy(c.name(), resumedAt, Duration.ofSeconds(30));
      load.runFor(Duration.ofSeconds(1));
      load.close();
      calls = load.calls();
    }
    Executions executed = Executions.read(executions);

    List<Call> failed = Load.failures(calls, x -> true);
    // Calls the hung provider started after their caller's deadline had passed (it read them
    // from its socket only after SIGCONT).
    Map<String, Call> byToken = new HashMap<>();
    calls.forEach(x -> byToken.put(x.token(), x));
    List<Executions.Execution> startedLate =
        executed
            .all()
            .filter(e -> byToken.containsKey(e.token()))
            .filter(
                e -> e.startMillis() > byToken.get(e.token()).startMillis() + DEADLINE.toMillis())
            .toList();
    List<String> duplicates = executed.nonIdempotentRunMoreThanOnce(calls);
    report.load(calls.size(), failed.size(), duplicates.size());
    failed.stream()
        .mapToLong(Call::endNanos)
        .max()
        .ifPresent(last -> report.detect(between(stoppedAt, last)));
    report.recover(between(resumedAt, backAt));
    report.note("failures: " + Load.failureTypes(calls));
    long lateNonIdempotent =
        startedLate.stream().filter(e -> !byToken.get(e.token()).idempotent()).count();
    report.note(
        startedLate.size()
            + " calls ("
            + lateNonIdempotent
            + " non-idempotent) started on the hung provider after SIGCONT, their deadline long"
            + " past");
    for (Executions.Execution e : startedLate) {
      Call x = byToken.get(e.token());
      System.out.printf(
          "started after its deadline: %s on %s, %d ms after the caller's deadline; the caller"
              + " saw %s%n",
          e.token(),
          e.provider(),
          e.startMillis() - x.startMillis() - DEADLINE.toMillis(),
          x.ok() ? "success from " + x.provider() : x.failure());
    }

    assertThat(failed).as("calls held by the hung provider").isNotEmpty();
    assertThat(failed)
        .as("failed calls")
        .allSatisfy(
            x -> {
              assertThat(x.failure())
                  .isInstanceOf(DeadlineExceededException.class)
                  .hasMessageContaining(c.address());
              assertThat(x.took())
                  .as("time to the deadline")
                  .isGreaterThanOrEqualTo(DEADLINE.minusMillis(10));
              assertThat(x.endNanos())
                  .as("ended at the deadline, not when the provider came back")
                  .isLessThan(resumedAt);
            });
    long lastRouted = failed.stream().mapToLong(Call::startNanos).max().orElseThrow();
    assertThat(between(stoppedAt, lastRouted))
        .as("from the hang to the start of the last call routed to the hung provider")
        .isLessThan(ROUTED_AT_MOST);
    assertThat(
            calls.stream()
                .filter(x -> x.ok() && x.startNanos() - (stoppedAt + ROUTED_AT_MOST.toNanos()) > 0)
                .filter(x -> x.endNanos() - resumedAt < 0))
        .as("calls served by the others while the provider was hung and ejected")
        .isNotEmpty()
        .allSatisfy(x -> assertThat(x.provider()).isNotEqualTo(c.name()));
    assertThat(duplicates).as("non-idempotent calls that ran more than once").isEmpty();
  }
}
