package io.farcall.spring.it;

import static io.farcall.agent.testing.OtlpSpans.CLIENT;
import static io.farcall.agent.testing.OtlpSpans.SERVER;
import static io.farcall.agent.testing.OtlpSpans.assertChild;
import static io.farcall.agent.testing.OtlpSpans.only;
import static io.farcall.agent.testing.OtlpSpans.traced;
import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.agent.testing.OtlpSpans;
import io.farcall.agent.testing.OtlpSpans.Span;
import io.farcall.runtime.testing.Poll;
import io.farcall.test.FarcallExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Spring Boot executable jars run as users run them, with Farcall's agent and the real
 * OpenTelemetry Java agent on both: an HTTP request to the consumer is one trace, from the
 * consumer's {@code GET /square} server span through Farcall's client span to the provider's server
 * span.
 */
@Timeout(300)
class SpringOpenTelemetryIT {
  @RegisterExtension static final FarcallExtension farcall = FarcallExtension.create();
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();

  private static final String SQUARE = "acme.ledger.Ledger/square";

  @ParameterizedTest
  @EnumSource(
      value = LedgerApps.class,
      names = {"BOOT3", "BOOT4"})
  void aRequestToTheConsumerIsOneTraceThroughTheRemoteCall(LedgerApps app) throws Exception {
    Jvm provider =
        app.providerWithAgentOptions(
            jvms, farcall.registry(), "traced", "loglevel=INFO", b -> traced(b, "ledger", false));
    LedgerApps.awaitReady(provider);
    Jvm consumer =
        app.webConsumer(jvms, farcall.registry(), "storefront", b -> traced(b, "storefront", true));
    int port = LedgerApps.httpPort(consumer);
    LedgerApps.awaitReady(consumer);

    HttpResponse<String> res =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/square?x=7"))
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    assertThat(res.body()).isEqualTo("49");

    List<Span> consumerSpans =
        Poll.until(
            () -> OtlpSpans.of(consumer),
            s -> s.stream().anyMatch(x -> x.kind() == SERVER && x.name().startsWith("GET")),
            Duration.ofSeconds(30));
    List<Span> providerSpans =
        Poll.until(
            () -> OtlpSpans.of(provider),
            s -> s.stream().anyMatch(x -> x.name().equals(SQUARE)),
            Duration.ofSeconds(30));
    Span request = only(consumerSpans, SERVER, "GET /square");
    Span call = only(consumerSpans, CLIENT, SQUARE);
    Span served = only(providerSpans, SERVER, SQUARE);
    assertChild(call, request);
    assertChild(served, call);
    assertThat(call.attributes())
        .containsEntry("rpc.system", "farcall")
        .containsEntry("rpc.service", "acme.ledger.Ledger")
        .containsEntry("rpc.method", "square");
  }
}
