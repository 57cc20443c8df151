package io.farcall.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  private static final Path OTEL_AGENT = Path.of(System.getProperty("farcall.otelAgent"));
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String EXPORTED = "OtlpJsonLoggingSpanExporter - ";
  private static final int CLIENT = 3;
  private static final int SERVER = 2;
  private static final int INTERNAL = 1;

  /** On each JDK, the consumer's OpenTelemetry agent first on one, Farcall's first on the other. */
  static Stream<Arguments> setups() {
    List<String> homes = Jvm.javaHomes();
    List<Arguments> setups = new ArrayList<>();
    for (int i = 0; i < homes.size(); i++) {
      setups.add(Arguments.of(homes.get(i), i % 2 == 0));
    }
    return setups.stream();
  }

  /** One exported span: what the assertions read of it. */
  record ExportedSpan(
      String traceId,
      String spanId,
      String parentSpanId,
      String name,
      int kind,
      Map<String, String> attributes,
      int statusCode) {}

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
    List<ExportedSpan> consumerSpans = spans(consumer); // flushed as the JVM exited
    List<ExportedSpan> providerSpans =
        Poll.until(() -> spans(provider), s -> s.size() >= 4, Duration.ofSeconds(30));

    ExportedSpan handle = only(consumerSpans, INTERNAL, "Storefront.handle");
    ExportedSpan checkClient = only(consumerSpans, CLIENT, "acme.otel.Stock/check");
    ExportedSpan brokenClient = only(consumerSpans, CLIENT, "acme.otel.Stock/broken");
    ExportedSpan checkServer = only(providerSpans, SERVER, "acme.otel.Stock/check");
    ExportedSpan pricesClient = only(providerSpans, CLIENT, "acme.otel.Prices/metadata");
    ExportedSpan pricesServer = only(providerSpans, SERVER, "acme.otel.Prices/metadata");
    ExportedSpan brokenServer = only(providerSpans, SERVER, "acme.otel.Stock/broken");
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
    for (ExportedSpan s : List.of(checkClient, checkServer, pricesClient, pricesServer)) {
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
    for (ExportedSpan s : List.of(brokenClient, brokenServer)) {
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

  /** With the OpenTelemetry agent, before or after Farcall's, exporting spans to its output. */
  private static Jvm.Builder traced(Jvm.Builder b, String service, boolean otelFirst) {
    return b.otherAgent(OTEL_AGENT, otelFirst)
        .jvmArg("-Dotel.service.name=" + service)
        .jvmArg("-Dotel.traces.exporter=logging-otlp")
        .jvmArg("-Dotel.metrics.exporter=none")
        .jvmArg("-Dotel.logs.exporter=none")
        .jvmArg("-Dotel.bsp.schedule.delay=100");
  }

  private static List<ExportedSpan> spans(Jvm jvm) {
    ObjectMapper json = new ObjectMapper();
    List<ExportedSpan> spans = new ArrayList<>();
    for (String line : jvm.lines()) {
      int at = line.indexOf(EXPORTED);
      if (at < 0) {
        continue;
      }
      JsonNode batch;
      try {
        batch = json.readTree(line.substring(at + EXPORTED.length()));
      } catch (IOException e) {
        throw new UncheckedIOException("not OTLP JSON: " + line, e);
      }
      for (JsonNode scope : batch.path("scopeSpans")) {
        for (JsonNode s : scope.path("spans")) {
          Map<String, String> attributes = new HashMap<>();
          for (JsonNode a : s.path("attributes")) {
            JsonNode value = a.path("value");
            attributes.put(a.path("key").asText(), value.elements().next().asText());
          }
          spans.add(
              new ExportedSpan(
                  s.path("traceId").asText(),
                  s.path("spanId").asText(),
                  s.path("parentSpanId").asText(""),
                  s.path("name").asText(),
                  s.path("kind").asInt(),
                  attributes,
                  s.path("status").path("code").asInt(0)));
        }
      }
    }
    return spans;
  }

  private static ExportedSpan only(List<ExportedSpan> spans, int kind, String name) {
    List<ExportedSpan> found =
        spans.stream().filter(s -> s.kind() == kind && s.name().equals(name)).toList();
    assertThat(found).as("spans of kind %d named %s among %s", kind, name, spans).hasSize(1);
    return found.get(0);
  }

  private static void assertChild(ExportedSpan child, ExportedSpan parent) {
    assertThat(child.traceId()).as("%s's trace", child.name()).isEqualTo(parent.traceId());
    assertThat(child.parentSpanId())
        .as("%s's parent is %s", child.name(), parent.name())
        .isEqualTo(parent.spanId());
  }
}
