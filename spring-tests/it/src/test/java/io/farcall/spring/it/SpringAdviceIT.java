package io.farcall.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import acme.ledger.Ledger;
import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.test.FarcallExtension;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A Spring Boot provider run with the agent serves its {@code @Export} bean through Spring's proxy:
 * each remote call runs the bean's aspect and transaction once, and its cache as a local call
 * would. A Spring Boot consumer's {@code @RemoteRef} stub works in its constructor and its
 * {@code @PostConstruct}.
 */
@Timeout(300)
class SpringAdviceIT {
  @RegisterExtension static final FarcallExtension farcall = FarcallExtension.create();
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();

  /** One provider JVM per application serves both the test's stub and a Spring consumer's. */
  @ParameterizedTest
  @EnumSource(LedgerApps.class)
  void remoteCallsGoThroughTheBeansProxyAndWorkInAConsumersConstructor(LedgerApps app)
      throws Exception {
    Jvm provider = app.provider(jvms, farcall.registry(), "advised", Duration.ZERO);
    LedgerApps.awaitReady(provider);
    Ledger ledger = LedgerApps.stubOnceRegistered(farcall);
    Ledger.Stats before = ledger.stats();

    int calls = 20;
    for (int i = 0; i < calls; i++) {
      assertThat(ledger.record("t" + i, i)).isEqualTo("advised");
    }
    assertThat(ledger.square(7)).isEqualTo(49);
    assertThat(ledger.square(7)).isEqualTo(49);

    Ledger.Stats after = ledger.stats();
    assertThat(after.recordBodies() - before.recordBodies()).isEqualTo(calls);
    assertThat(after.aspectRuns() - before.aspectRuns())
        .as("@Aspect runs, once per remote call")
        .isEqualTo(calls);
    assertThat(after.transactionsCommitted() - before.transactionsCommitted())
        .as("transactions committed, one per remote call")
        .isEqualTo(calls);
    assertThat(after.squareBodies() - before.squareBodies())
        .as("@Cacheable body runs for two equal calls")
        .isEqualTo(1);

    Jvm consumer = app.consumer(jvms, farcall.registry(), "client");
    LedgerApps.awaitReady(consumer);
    assertThat(consumer.output())
        .contains("CONSTRUCTOR square(12)=144")
        .contains("POSTCONSTRUCT record=advised");
    assertThat(provider.output()).doesNotContain("Farcall could not");
  }
}
