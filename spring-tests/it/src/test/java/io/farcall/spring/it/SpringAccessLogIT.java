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
 * A Spring Boot application run with the agent and {@code accesslog=true} gets the access lines in
 * its own logging: through the Log4j API Spring Boot ships ({@code log4j-to-slf4j}) to Logback, as
 * lines of the logger {@code farcall.access} among the application's.
 */
@Timeout(300)
class SpringAccessLogIT {
  @RegisterExtension static final FarcallExtension farcall = FarcallExtension.create();
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();

  @ParameterizedTest
  @EnumSource(
      value = LedgerApps.class,
      names = {"BOOT3", "BOOT4"})
  void theAccessLinesAreLinesOfTheApplicationsLogback(LedgerApps app) throws Exception {
    Jvm provider =
        app.providerWithAgentOptions(jvms, farcall.registry(), "logged", "accesslog=true");
    LedgerApps.awaitReady(provider);
    Ledger ledger = LedgerApps.stubOnceRegistered(farcall);

    assertThat(ledger.square(9)).isEqualTo(81);

    String line =
        provider.awaitLine(
            l -> l.contains("server acme.ledger.Ledger square(int) peer="), Duration.ofSeconds(30));
    // Logback's console pattern in Spring Boot: level, thread, logger name, then the message.
    assertThat(line).contains("INFO").contains("farcall.access").contains("status=OK");
    assertThat(provider.output())
        .contains("access log: to the application's Log4j logger farcall.access");
  }
}
