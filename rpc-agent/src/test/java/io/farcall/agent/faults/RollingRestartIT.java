package io.farcall.agent.faults;

import static io.farcall.agent.faults.FaultReport.between;
import static org.assertj.core.api.Assertions.assertThat;

import acme.faults.Ledger;
import io.farcall.agent.faults.Load.Call;
import io.farcall.agent.faults.Providers.Provider;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.Farcall;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 2: every provider is stopped with SIGTERM (the agent's shutdown hook closes the runtime
 * gracefully) and replaced by a new JVM, one after the other, under 32 callers: not one call fails,
 * idempotent or not.
 */
@Timeout(180)
class RollingRestartIT {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  @RegisterExtension
  static final FaultReport report =
      new FaultReport(2, "Rolling restart (SIGTERM, graceful) of three providers, 32 callers");

  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();
  @TempDir Path executions;

  /** How a JVM ends after SIGTERM once its shutdown hooks have run: 128 + 15. */
  private static final int SIGTERM_STATUS = 143;

  @Test
  void restartingEveryProviderGracefullyOneByOneFailsNoCall() throws Exception {
    List<Provider> providers = new ArrayList<>();
    for (String name : List.of("roll-A", "roll-B", "roll-C")) {
      providers.add(Providers.ledger(jvms, name, zk.connectString(), executions).awaitReady());
    }

    List<Duration> servedAfterSigterm = new ArrayList<>();
    List<Duration> replacementToFirstCall = new ArrayList<>();
    List<Call> calls;
    try (Farcall consumer =
            Farcall.builder().registry(zk.connectString()).timeout(Duration.ofSeconds(5)).build();
        Load load = Load.start("roll", consumer.stub(Ledger.class), 32)) {
      long start = System.nanoTime();
      for (Provider p : providers) {
        load.awaitServedBy(p.name(), start, Duration.ofSeconds(30));
      }
      load.runFor(Duration.ofSeconds(1));
      for (Provider old : List.copyOf(providers)) {
        assertThat(old.jvm().isAlive()).as("%s alive before SIGTERM", old.name()).isTrue();
        long sigterm = System.nanoTime();
        old.jvm().terminate();
        assertThat(old.jvm().awaitExit(Duration.ofSeconds(30)))
            .as("%s's exit status after SIGTERM; output:%n%s", old.name(), old.jvm().output())
            .isEqualTo(SIGTERM_STATUS);
        assertThat(old.jvm().output()).doesNotContain("calls still running");
        Load.lastServedBy(load.calls(), old.name())
            .ifPresent(last -> servedAfterSigterm.add(between(sigterm, last)));

        long started = System.nanoTime();
        Provider replacement =
            Providers.ledger(jvms, old.name() + "2", zk.connectString(), executions).awaitReady();
        long first = load.awaitServedBy(replacement.name(), started, Duration.ofSeconds(30));
        replacementToFirstCall.add(between(started, first));
        providers.set(providers.indexOf(old), replacement);
        load.runFor(Duration.ofSeconds(1));
      }
      load.close();
      calls = load.calls();
    }
    Executions executed = Executions.read(executions);

    List<Call> failed = Load.failures(calls, x -> true);
    List<String> duplicates = executed.nonIdempotentRunMoreThanOnce(calls);
    report.load(calls.size(), failed.size(), duplicates.size());
    servedAfterSigterm.stream().max(Comparator.naturalOrder()).ifPresent(report::detect);
    replacementToFirstCall.stream().max(Comparator.naturalOrder()).ifPresent(report::recover);
    report.note("failures: " + Load.failureTypes(calls));

    assertThat(failed)
        .as(
            "failed calls; %s%s",
            Load.summary(calls), Load.failuresWithExecutions(calls, executed, 40))
        .isEmpty();
    assertThat(duplicates).as("non-idempotent calls that ran more than once").isEmpty();
    assertThat(calls.stream().filter(Call::ok))
        .allSatisfy(x -> assertThat(executed.count(x.token())).as(x.token()).isPositive());
  }
}
