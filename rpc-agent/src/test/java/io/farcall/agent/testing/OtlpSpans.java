package io.farcall.agent.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The spans a JVM run with the OpenTelemetry Java agent exported to its output (the agent's {@code
 * logging-otlp} exporter: OTLP JSON, one line per batch), and the assertions the tests make of
 * them.
 */
public final class OtlpSpans {
  public static final int INTERNAL = 1;
  public static final int SERVER = 2;
  public static final int CLIENT = 3;

  /** The OpenTelemetry Java agent from Maven Central, copied by the build. */
  public static final Path OTEL_AGENT = Path.of(System.getProperty("farcall.otelAgent"));

  private static final String EXPORTED = "OtlpJsonLoggingSpanExporter - ";

  private OtlpSpans() {}

  /** One exported span: what the assertions read of it. */
  public record Span(
      String traceId,
      String spanId,
      String parentSpanId,
      String name,
      int kind,
      Map<String, String> attributes,
      int statusCode) {}

  /**
   * With the OpenTelemetry agent, before or after Farcall's, exporting spans as {@code service} to
   * its output quickly.
   */
  public static Jvm.Builder traced(Jvm.Builder b, String service, boolean otelFirst) {
    return b.otherAgent(OTEL_AGENT, otelFirst)
        .jvmArg("-Dotel.service.name=" + service)
        .jvmArg("-Dotel.traces.exporter=logging-otlp")
        .jvmArg("-Dotel.metrics.exporter=none")
        .jvmArg("-Dotel.logs.exporter=none")
        .jvmArg("-Dotel.bsp.schedule.delay=100");
  }

  /** The spans {@code jvm} printed so far. */
  public static List<Span> of(Jvm jvm) {
    ObjectMapper json = new ObjectMapper();
    List<Span> spans = new ArrayList<>();
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
              new Span(
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

  /** The one span of {@code kind} named {@code name}; fails if there is none or more. */
  public static Span only(List<Span> spans, int kind, String name) {
    List<Span> found =
        spans.stream().filter(s -> s.kind() == kind && s.name().equals(name)).toList();
    assertThat(found).as("spans of kind %d named %s among %s", kind, name, spans).hasSize(1);
    return found.get(0);
  }

  public static void assertChild(Span child, Span parent) {
    assertThat(child.traceId()).as("%s's trace", child.name()).isEqualTo(parent.traceId());
    assertThat(child.parentSpanId())
        .as("%s's parent is %s", child.name(), parent.name())
        .isEqualTo(parent.spanId());
  }
}
