package io.farcall.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import acme.ledger.Ledger;
import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.testing.Poll;
import io.farcall.test.FarcallExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What only the starter does, in Spring Boot 3 and 4 executable jars: the Actuator health indicator
 * over HTTP, as a probe reads it; and, with the agent attached as well, one export per service,
 * made by the agent, with the starter's stubs on the agent's runtime.
 */
@Timeout(300)
class SpringStarterIT {
  @RegisterExtension static final FarcallExtension farcall = FarcallExtension.create();
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @ParameterizedTest
  @EnumSource(names = {"BOOT3_STARTER", "BOOT4_STARTER"})
  void healthSaysUpOnceTheExportIsRegistered(LedgerApps app) throws Exception {
    Jvm provider = app.provider(jvms, farcall.registry(), "healthy", Duration.ZERO);
    LedgerApps.awaitReady(provider);
    int port = LedgerApps.httpPort(provider);

    String health =
        Poll.untilOrFail(
            "the health endpoint lists the export",
            () -> get(port, "/actuator/health/farcall"),
            body -> body.contains("acme.ledger.Ledger"),
            LedgerApps.START);
    assertThat(health)
        .contains("\"status\":\"UP\"")
        .contains("\"registryConnected\":true")
        .contains("\"registry\":\"" + farcall.registry() + "\"");
    assertThat(get(port, "/actuator/health")).contains("\"farcall\"");
    assertThat(farcall.consumer().providers(Ledger.class)).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(names = {"BOOT3_STARTER", "BOOT4_STARTER"})
  void withTheAgentAttachedTooEachServiceIsExportedOnce(LedgerApps app) throws Exception {
    Jvm provider = app.providerWithAgentAndStarter(jvms, farcall.registry(), "both");
    LedgerApps.awaitReady(provider);
    int port = LedgerApps.httpPort(provider);
    // The health indicator reads the agent's runtime: registered means the agent exported.
    Poll.untilOrFail(
        "the health endpoint lists the export",
        () -> get(port, "/actuator/health/farcall"),
        body -> body.contains("acme.ledger.Ledger"),
        LedgerApps.START);

    String out = provider.output();
    assertThat(out).contains("The Farcall agent is attached: using its runtime");
    assertThat(count(out, "exported acme.ledger.Ledger")).as("output:%n%s", out).isEqualTo(1);
    assertThat(farcall.consumer().providers(Ledger.class)).hasSize(1);

    Ledger ledger = farcall.stub(Ledger.class);
    Ledger.Stats before = ledger.stats();
    for (int i = 0; i < 10; i++) {
      assertThat(ledger.record("b" + i, i)).isEqualTo("both");
    }
    Ledger.Stats after = ledger.stats();
    assertThat(after.aspectRuns() - before.aspectRuns()).as("aspect runs").isEqualTo(10);
  }

  private static String get(int port, String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int count(String text, String what) {
    Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
