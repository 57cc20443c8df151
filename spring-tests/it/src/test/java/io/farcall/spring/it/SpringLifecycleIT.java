package io.farcall.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import acme.ledger.Ledger;
import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.test.FarcallExtension;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * When a Spring application with the agent or the starter becomes ready, and when it stops: a Boot
 * application's start-up is not held up by its exports; a plain {@code ApplicationContext} is
 * served once refreshed; a closing context withdraws its exports, and lets their calls in flight
 * finish, before it destroys a bean.
 */
@Timeout(300)
class SpringLifecycleIT {
  @RegisterExtension static final FarcallExtension farcall = FarcallExtension.create();
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();

  private static final int SIGTERM_STATUS = 143;

  @ParameterizedTest
  @EnumSource(LedgerApps.class)
  void aClosingContextWithdrawsItsExportBeforeItDestroysABean(LedgerApps app) throws Exception {
    Jvm provider = app.provider(jvms, farcall.registry(), "closing", Duration.ZERO);
    LedgerApps.awaitReady(provider);
    awaitRegistered();
    Ledger ledger = farcall.stub(Ledger.class);

    CompletableFuture<String> inFlight =
        CompletableFuture.supplyAsync(() -> ledger.recordSlowly("slow", 2_000));
    provider.awaitLine(l -> l.contains("SLOW CALL RUNNING"), LedgerApps.START);
    provider.terminate();

    assertThat(inFlight.get(30, TimeUnit.SECONDS))
        .as("the call in flight at SIGTERM")
        .isEqualTo("closing");
    assertThat(provider.awaitExit(LedgerApps.START)).isEqualTo(SIGTERM_STATUS);
    String out = provider.output();
    int unexported = out.indexOf("unexported acme.ledger.Ledger");
    int destroyed = out.indexOf("JOURNAL CLOSED");
    assertThat(unexported).as("unexported; output:%n%s", out).isNotNegative();
    assertThat(destroyed).as("the journal bean destroyed; output:%n%s", out).isNotNegative();
    assertThat(unexported).as("unexported before the bean was destroyed").isLessThan(destroyed);
    assertThat(farcall.consumer().providers(Ledger.class)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(names = {"BOOT3", "BOOT4"}) // the starter is for Spring Boot applications
  void aPlainApplicationContextIsServedThroughItsProxiesOnceRefreshed(LedgerApps app)
      throws Exception {
    Jvm provider = app.plainProvider(jvms, farcall.registry(), "plain");
    LedgerApps.awaitReady(provider);
    awaitRegistered();
    Ledger ledger = farcall.stub(Ledger.class);
    Ledger.Stats before = ledger.stats();
    for (int i = 0; i < 10; i++) {
      assertThat(ledger.record("p" + i, i)).isEqualTo("plain");
    }
    Ledger.Stats after = ledger.stats();
    assertThat(after.aspectRuns() - before.aspectRuns()).isEqualTo(10);
    assertThat(after.transactionsCommitted() - before.transactionsCommitted()).isEqualTo(10);

    provider.terminate();
    assertThat(provider.awaitExit(LedgerApps.START)).isEqualTo(SIGTERM_STATUS);
    String out = provider.output();
    assertThat(out.indexOf("unexported acme.ledger.Ledger"))
        .as("output:%n%s", out)
        .isNotNegative()
        .isLessThan(out.indexOf("JOURNAL CLOSED"));
  }

  /**
   * Time to ready, with and without Farcall: reported, not asserted (speed is measured, never
   * asserted in a test). The exports themselves happen after ready, off the start-up thread. One
   * application with the agent and one with the starter: a figure to read, not a matrix to cover.
   */
  @ParameterizedTest
  @EnumSource(names = {"BOOT3", "BOOT4_STARTER"})
  void startUpTimeWithAndWithoutFarcall(LedgerApps app) throws Exception {
    Jvm plain = app.providerWithoutFarcall(jvms, "bare");
    long without = LedgerApps.awaitReady(plain);
    plain.close();
    Jvm withAgent = app.provider(jvms, farcall.registry(), "timed", Duration.ZERO);
    long with = LedgerApps.awaitReady(withAgent);
    long readyAt = System.nanoTime();
    awaitRegistered();
    long registeredAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - readyAt);
    System.out.printf(
        "%s start-up: ready after %d ms without Farcall, %d ms with %s; registered %d ms after"
            + " ready%n",
        app, without, with, app.starter() ? "the starter" : "the agent", registeredAfter);
  }

  private static void awaitRegistered() {
    LedgerApps.stubOnceRegistered(farcall);
  }
}
