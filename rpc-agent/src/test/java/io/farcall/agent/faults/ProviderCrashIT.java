package io.farcall.agent.faults;

import static io.farcall.agent.faults.FaultReport.between;
import static org.assertj.core.api.Assertions.assertThat;

import acme.faults.Ledger;
import io.farcall.ConnectionFailedException;
import io.farcall.agent.faults.Load.Call;
import io.farcall.agent.faults.Providers.Provider;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.Farcall;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 1: one of three providers dies with {@code kill -9} under 32 callers. The calls it had
 * in flight either run elsewhere (idempotent ones) or fail with an exception that says what
 * happened (the others); no call runs twice.
 */
@Timeout(120)
class ProviderCrashIT {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  @RegisterExtension
  static final FaultReport report =
      new FaultReport(1, "`kill -9` one of three providers, 32 callers");

  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();
  @TempDir Path executions;

  @Test
  void aKilledProviderFailsNoIdempotentCallAndRunsNoCallTwice() throws Exception {
    Provider a = Providers.ledger(jvms, "crash-A", zk.connectString(), executions).awaitReady();
    Provider b = Providers.ledger(jvms, "crash-B", zk.connectString(), executions).awaitReady();
    Provider c = Providers.ledger(jvms, "crash-C", zk.connectString(), executions).awaitReady();

    long killedAt;
    List<Call> calls;
    try (Farcall consumer =
            Farcall.builder().registry(zk.connectString()).timeout(Duration.ofSeconds(5)).build();
        Load load = Load.start("crash", consumer.stub(Ledger.class), 32)) {
      long start = System.nanoTime();
      for (Provider p : List.of(a, b, c)) {
        load.awaitServedBy(p.name(), start, Duration.ofSeconds(30));
      }
      load.runFor(Duration.ofSeconds(2));
      killedAt = System.nanoTime();
      b.jvm().kill();
      load.runFor(Duration.ofSeconds(5));
      load.awaitServedBy(
          a.name(), killedAt + Duration.ofSeconds(4).toNanos(), Duration.ofSeconds(10));
      load.awaitServedBy(
          c.name(), killedAt + Duration.ofSeconds(4).toNanos(), Duration.ofSeconds(10));
      load.close();
      calls = load.calls();
    }
    Executions executed = Executions.read(executions);

    List<Call> failed = Load.failures(calls, x -> true);
    List<String> duplicates = executed.nonIdempotentRunMoreThanOnce(calls);
    long idempotentRerun =
        calls.stream().filter(Call::idempotent).filter(x -> executed.count(x.token()) > 1).count();
    report.load(calls.size(), failed.size(), duplicates.size());
    failed.stream()
        .mapToLong(Call::endNanos)
        .max()
        .ifPresent(last -> report.detect(between(killedAt, last)));
    report.note(
        "idempotent calls failed: "
            + Load.failureTypes(calls.stream().filter(Call::idempotent).toList())
            + " ("
            + idempotentRerun
            + " ran again on another provider after the killed one had started them)");
    report.note(
        "non-idempotent calls failed: "
            + Load.failureTypes(calls.stream().filter(x -> !x.idempotent()).toList()));

    assertThat(Load.failures(calls, Call::idempotent))
        .as(
            "idempotent calls that failed; %s%s",
            Load.summary(calls), Load.failuresWithExecutions(calls, executed, 40))
        .isEmpty();
    assertThat(failed)
        .as("non-idempotent calls that failed")
        .allSatisfy(
            x -> {
              assertThat(x.idempotent()).isFalse();
              assertThat(x.failure())
                  .isInstanceOf(ConnectionFailedException.class)
                  .hasMessageContaining(b.address());
              assertThat(x.endNanos()).isGreaterThan(killedAt);
            });
    assertThat(duplicates).as("non-idempotent calls that ran more than once").isEmpty();
    // The count is real: every call that succeeded is on record where it ran.
    assertThat(calls.stream().filter(Call::ok))
        .allSatisfy(
            x ->
                assertThat(executed.of(x.token()))
                    .as(x.token())
                    .anySatisfy(e -> assertThat(e.provider()).isEqualTo(x.provider())));
  }
}
