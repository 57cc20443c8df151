package io.farcall.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import acme.ledger.Ledger;
import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.testing.CallerLoad;
import io.farcall.runtime.testing.Poll;
import io.farcall.test.FarcallExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Spring Boot providers run with the agent, under load from 32 callers: one that starts while the
 * load runs serves no call before its bean is ready (its methods need their {@code @Autowired}
 * field, their transaction and a warm-up in {@code @PostConstruct}); a rolling restart of two fails
 * no call. Each test runs on one application with the agent and one with the starter, so that the
 * four applications (two Boot versions, agent and starter) are each under load once: every run of a
 * Spring Boot JVM costs seconds of the suite's two cores.
 */
@Timeout(600)
class SpringProvidersUnderLoadIT {
  @RegisterExtension static final FarcallExtension farcall = FarcallExtension.create();
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();

  private static final int CALLERS = 32;

  /** How a JVM ends after SIGTERM once its shutdown hooks have run: 128 + 15. */
  private static final int SIGTERM_STATUS = 143;

  /** The warm-up of each provider's bean: calls that overtook it would fail. */
  private static final Duration WARM_UP = Duration.ofMillis(1500);

  @ParameterizedTest
  @EnumSource(names = {"BOOT3", "BOOT4_STARTER"})
  void aProviderStartingUnderLoadServesNoCallBeforeItsBeanIsReady(LedgerApps app) throws Exception {
    farcall.export(new SteadyLedger());
    Ledger ledger = farcall.stub(Ledger.class);
    try (CallerLoad<String> load = records(ledger)) {
      Poll.untilTrue("the load runs", () -> load.returned(SteadyLedger.NAME) > 100, START);
      Jvm provider = app.provider(jvms, farcall.registry(), "starting", WARM_UP);
      long readyMillis = LedgerApps.awaitReady(provider);
      Poll.untilTrue(
          "the new provider serves, or a call fails",
          () -> load.returned("starting") > 200 || !load.failures().isEmpty(),
          START);
      load.close();
      assertThat(load.failures()).as("failed calls: %s", load.summary()).isEmpty();
      System.out.printf(
          "%s: ready %d ms after its JVM started, under load; %d calls, none failed, %d of them"
              + " served by it%n",
          app, readyMillis, load.ok(), load.returned("starting"));
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"BOOT4", "BOOT3_STARTER"})
  void aRollingRestartOfTwoSpringProvidersFailsNoCall(LedgerApps app) throws Exception {
    List<Jvm> providers = new ArrayList<>();
    List<String> names = new ArrayList<>(List.of("roll-1", "roll-2"));
    for (String name : names) {
      providers.add(app.provider(jvms, farcall.registry(), name, WARM_UP));
    }
    for (Jvm p : providers) {
      LedgerApps.awaitReady(p);
    }
    // Exports follow readiness, on a thread of their own: both are registered a moment later.
    Poll.untilTrue(
        "both providers registered",
        () -> farcall.consumer().providers(Ledger.class).size() == 2,
        START);
    Ledger ledger = farcall.stub(Ledger.class);
    try (CallerLoad<String> load = records(ledger)) {
      for (String name : names) {
        Poll.untilTrue(name + " serves", () -> load.returned(name) > 100, START);
      }
      for (int i = 0; i < providers.size(); i++) {
        Jvm old = providers.get(i);
        old.terminate();
        assertThat(old.awaitExit(START))
            .as("exit status after SIGTERM; output:%n%s", old.output())
            .isEqualTo(SIGTERM_STATUS);
        assertThat(old.output()).doesNotContain("calls still running");
        String next = names.get(i) + "b";
        Jvm replacement = app.provider(jvms, farcall.registry(), next, WARM_UP);
        LedgerApps.awaitReady(replacement);
        Poll.untilTrue(next + " serves", () -> load.returned(next) > 100, START);
        providers.set(i, replacement);
      }
      load.close();
      assertThat(load.failures()).as("failed calls: %s", load.summary()).isEmpty();
      System.out.printf(
          "%s: rolling restart of two providers, %d calls, none failed: %s%n",
          app, load.ok(), load.summary());
    }
  }

  private static final Duration START = LedgerApps.START;

  /** 32 callers recording, each call with a token of its own; counted by who served them. */
  private static CallerLoad<String> records(Ledger ledger) {
    return CallerLoad.start(CALLERS, (caller, n) -> ledger.record("c" + caller + "-" + n, 1));
  }

  /** A provider that is there all along, in the test's own JVM. */
  static final class SteadyLedger implements Ledger {
    static final String NAME = "steady";

    @Override
    public String record(String token, long amount) {
      return NAME;
    }

    @Override
    public String recordSlowly(String token, long millis) {
      return NAME;
    }

    @Override
    public int square(int x) {
      return x * x;
    }

    @Override
    public Stats stats() {
      return new Stats(NAME, 0, 0, 0, 0);
    }
  }
}
