package io.farcall.agent.it;

import static io.farcall.agent.testing.OtlpSpans.CLIENT;
import static io.farcall.agent.testing.OtlpSpans.INTERNAL;
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
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Farcall's agent next to the real OpenTelemetry Java agent, on a consumer and a provider that have
 * no OpenTelemetry of their own: one trace from the consumer's span through its calls, the
 * provider's server spans and the call the provider makes while serving, read from the spans the
 * OpenTelemetry agent exports (its {@code logging-otlp} exporter: OTLP JSON, one line per batch).
 * Each JVM puts the two agents in the other order, so both orders run; the consumer's access log
 * carries the trace id. Without OpenTelemetry, none of its classes is loaded.
 */
class OpenTelemetryAgentIT {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();
  @TempDir Path dir;

  private static final Duration WAIT = Duration.ofSeconds(90);

  /** On each JDK, the consumer's OpenTelemetry agent first on one, Farcall's first on the other. */
  static Stream<Arguments> setups() {
    List<String> homes = Jvm.javaHomes();
    List<Arguments> setups = new ArrayList<>();
    for (int i = 0; i < homes.size(); i++) {
      setups.add(Arguments.of(homes.get(i), i % 2 == 0));
    }
    return setups.stream();
  }

  @ParameterizedTest(name = "on {0}, OpenTelemetry agent first on the consumer: {1}")
  @MethodSource("setups")
  void oneTraceRunsFromTheConsumersSpanThroughTheProviderAndTheCallItMakes(
      String javaHome, boolean otelFirstOnConsumer) throws Exception {
    String registry = "registry=" + zk.connectString();
    Jvm provider =
        traced(Jvm.builder("provider"), "warehouse", !otelFirstOnConsumer)
            .javaHome(javaHome)
            .agentOptions(registry)
            .appClasspath()
            .main("acme.otel.WarehouseProvider")
            .start(jvms);
    provider.awaitLine(l -> l.equals("READY"), WAIT);
    Jvm consumer =
        traced(Jvm.builder("consumer"), "storefront", otelFirstOnConsumer)
            .javaHome(javaHome)
            .agentOptions(registry + ",accesslog=true")
            .jvmArg("-Dotel.instrumentation.methods.include=acme.otel.Storefront[handle]")
            .appClasspath()
            .main("acme.otel.Storefront")
            .start(jvms);

    assertThat(consumer.awaitExit(WAIT)).as(consumer.output()).isZero();
    assertThat(consumer.lines()).contains("broken=the shelf fell over", "DONE");
    List<Span> consumerSpans = OtlpSpans.of(consumer); // flushed as the JVM exited
    List<Span> providerSpans =
        Poll.until(() -> OtlpSpans.of(provider), s -> s.size() >= 4, Duration.ofSeconds(30));

    Span handle = only(consumerSpans, INTERNAL, "Storefront.handle");
    Span checkClient = only(consumerSpans, CLIENT, "acme.otel.Stock/check");
    Span brokenClient = only(consumerSpans, CLIENT, "acme.otel.Stock/broken");
    Span checkServer = only(providerSpans, SERVER, "acme.otel.Stock/check");
    Span pricesClient = only(providerSpans, CLIENT, "acme.otel.Prices/metadata");
    Span pricesServer = only(providerSpans, SERVER, "acme.otel.Prices/metadata");
    Span brokenServer = only(providerSpans, SERVER, "acme.otel.Stock/broken");
    assertChild(checkClient, handle);
    assertChild(brokenClient, handle);
    assertChild(checkServer, checkClient);
    assertChild(pricesClient, checkServer);
    assertChild(pricesServer, pricesClient);
    assertChild(brokenServer, brokenClient);
    assertThat(consumer.lines())
        .as("what the nested call's provider was served with: its client span's context")
        .anyMatch(
            l ->
                l.startsWith(
                    "traceparent=00-" + pricesClient.traceId() + "-" + pricesClient.spanId()));

    assertThat(consumer.lines())
        .as("the consumer's access log line of the call, with its trace id")
        .anyMatch(
            l ->
                l.matches(
                    ".*client acme\\.otel\\.Stock check\\(java\\.lang\\.String\\)"
                        + " peer=127\\.0\\.0\\.1:\\d+ status=OK duration_us=\\d+ trace_id="
                        + checkClient.traceId()));
    for (Span s : List.of(checkClient, checkServer, pricesClient, pricesServer)) {
      assertThat(s.attributes())
          .as(s.name())
          .containsEntry("rpc.system", "farcall")
          .containsEntry("server.address", "127.0.0.1")
          .doesNotContainKey("error.type");
    }
    assertThat(checkClient.attributes())
        .containsEntry("rpc.service", "acme.otel.Stock")
        .containsEntry("rpc.method", "check")
        .containsEntry("server.port", checkServer.attributes().get("server.port"));
    assertThat(pricesServer.attributes())
        .containsEntry("rpc.service", "acme.otel.Prices")
        .containsEntry("rpc.method", "metadata");
    for (Span s : List.of(brokenClient, brokenServer)) {
      assertThat(s.attributes())
          .as(s.name())
          .containsEntry("error.type", "java.lang.IllegalStateException");
      assertThat(s.statusCode()).as("%s's status: error", s.name()).isEqualTo(2);
    }
  }

  @Test
  void withoutOpenTelemetryNoClassOfItsIsLoadedAndNoTraceContextTravels() throws Exception {
    String registry = "registry=" + zk.connectString();
    Path providerClasses = dir.resolve("provider-classes.log");
    Path consumerClasses = dir.resolve("consumer-classes.log");
    Jvm provider =
        Jvm.builder("provider")
            .agentOptions(registry)
            .jvmArg("-Xlog:class+load=info:file=" + providerClasses)
            .appClasspath()
            .main("acme.otel.WarehouseProvider")
            .start(jvms);
    provider.awaitLine(l -> l.equals("READY"), WAIT);
    Jvm consumer =
        Jvm.builder("consumer")
            .agentOptions(registry)
            .jvmArg("-Xlog:class+load=info:file=" + consumerClasses)
            .appClasspath()
            .main("acme.otel.Storefront")
            .start(jvms);

    assertThat(consumer.awaitExit(WAIT)).as(consumer.output()).isZero();
    assertThat(consumer.lines()).contains("traceparent=-", "DONE");
    for (Path log : List.of(consumerClasses, providerClasses)) {
      List<String> loaded = Files.readAllLines(log);
      assertThat(loaded).as("classes loaded, in %s", log).anyMatch(l -> l.contains("io.farcall."));
      assertThat(loaded)
          .as("OpenTelemetry classes loaded, in %s", log)
          .noneMatch(l -> l.contains("opentelemetry") || l.contains("internal.tracing.Otel"));
    }
  }
}
