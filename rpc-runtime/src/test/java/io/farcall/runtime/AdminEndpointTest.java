package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.GreeterImpl;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.ZooKeeperExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheus.metrics.expositionformats.generated.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin HTTP endpoint ({@code adminport}): Prometheus metrics that Prometheus's own parser
 * accepts, liveness and readiness that follow the runtime, and bad requests that cost one
 * connection and nothing else.
 */
class AdminEndpointTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String PROTOBUF =
      "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily;"
          + " encoding=delimited";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static HttpResponse<String> get(Farcall f, String path) throws Exception {
    InetSocketAddress a = f.adminAddress();
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Farcall provider() {
    return Farcall.builder().registry(zk.connectString()).adminPort(0).build();
  }

  /** Exports a Greeter on {@code provider} and calls it {@code times} from {@code consumer}. */
  private static void greetThrough(Farcall provider, Farcall consumer, int times) {
    provider.export(new GreeterImpl("p"));
    Greeter g = consumer.stub(Greeter.class);
    Poll.untilTrue(
        "the consumer knows the provider",
        () -> !consumer.providers(Greeter.class).isEmpty(),
        WAIT);
    for (int i = 0; i < times; i++) {
      assertThat(g.greet("x")).isEqualTo("hello x");
    }
  }

  @Test
  void metricsAreThePrometheusTextFormatAndPromtoolAcceptsThem(@TempDir Path dir) throws Exception {
    try (Farcall provider = provider();
        Farcall consumer = Farcall.builder().registry(zk.connectString()).build()) {
      greetThrough(provider, consumer, 5);
      HttpResponse<String> res = get(provider, "/metrics");
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.headers().firstValue("content-type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
      String body = res.body();
      String service = "service=\"" + Greeter.class.getName() + "\"";
      assertThat(body)
          .contains("# TYPE farcall_server_calls_total counter")
          .containsPattern(
              "farcall_server_calls_total\\{exception=\"none\",method=\"greet\\(java.lang.String\\)\","
                  + service
                  + ",status=\"ok\"} 5.0")
          .contains("farcall_server_duration_seconds_bucket{")
          .contains("farcall_registry_connected 1.0");

      Path scrape = dir.resolve("scrape.txt");
      Files.writeString(scrape, body);
      Process promtool;
      try {
        promtool =
            new ProcessBuilder("promtool", "check", "metrics")
                .redirectInput(scrape.toFile())
                .redirectErrorStream(true)
                .start();
      } catch (IOException e) {
        throw new AssertionError(
            "this test parses the scrape with Prometheus's promtool: install it (Debian: apt-get"
                + " install prometheus; .ci/run does)",
            e);
      }
      String out;
      try (InputStream in = promtool.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } finally {
        if (!promtool.waitFor(30, TimeUnit.SECONDS)) {
          promtool.destroyForcibly();
        }
      }
      // promtool exits 1 for problems; lint remarks (3) are about naming style, not parsing.
      assertThat(promtool.exitValue()).as("promtool check metrics said:%n%s", out).isIn(0, 3);
      assertThat(out).doesNotContain("error while linting");

      HttpResponse<String> open =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:" + provider.adminAddress().getPort() + "/metrics"))
                  .header("Accept", "application/openmetrics-text; version=1.0.0")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(open.headers().firstValue("content-type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/openmetrics-text"));
      assertThat(open.body()).endsWith("# EOF\n");
    }
  }

  @Test
  void metricsComeAsPrometheusProtobufWhenAskedAndTheRegistrationSaysWhere() throws Exception {
    try (Farcall provider = provider();
        Farcall consumer = Farcall.builder().registry(zk.connectString()).build();
        FarcallOps ops = FarcallOps.connect(zk.connectString(), "/farcall", WAIT)) {
      greetThrough(provider, consumer, 3);
      FarcallOps.Provider registered = ops.services().get(Greeter.class.getName()).get(0);
      assertThat(registered.adminPort()).isEqualTo(provider.adminAddress().getPort());

      HttpResponse<InputStream> res =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://"
                              + registered.host()
                              + ":"
                              + registered.adminPort()
                              + "/metrics"))
                  .header("Accept", PROTOBUF)
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.headers().firstValue("content-type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/vnd.google.protobuf"));
      Map<String, Metrics.MetricFamily> families = new HashMap<>();
      try (InputStream in = res.body()) {
        Metrics.MetricFamily f;
        while ((f = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
          families.put(f.getName(), f);
        }
      }
      Metrics.MetricFamily calls =
          families.getOrDefault("farcall_server_calls_total", families.get("farcall_server_calls"));
      assertThat(calls).as("server calls in %s", families.keySet()).isNotNull();
      double ok =
          calls.getMetricList().stream()
              .filter(m -> label(m, "status").equals("ok"))
              .mapToDouble(m -> m.getCounter().getValue())
              .sum();
      assertThat(ok).isEqualTo(3.0);
      Metrics.Histogram h =
          families.get("farcall_server_duration_seconds").getMetricList().stream()
              .filter(m -> label(m, "method").startsWith("greet("))
              .findFirst()
              .orElseThrow()
              .getHistogram();
      assertThat(h.getSampleCount()).isEqualTo(3);
      assertThat(h.getBucketList()).isNotEmpty();
      assertThat(h.getBucket(h.getBucketCount() - 1).getCumulativeCount()).isEqualTo(3);
    }
  }

  private static String label(Metrics.Metric m, String name) {
    return m.getLabelList().stream()
        .filter(l -> l.getName().equals(name))
        .map(Metrics.LabelPair::getValue)
        .findFirst()
        .orElse("");
  }

  @Test
  void readinessFollowsRegistrationAndShutdown() throws Exception {
    Farcall provider = provider();
    try {
      assertThat(get(provider, "/health/live").statusCode()).isEqualTo(200);
      Poll.untilTrue("ready once connected", () -> ready(provider) == 200, WAIT);
      provider.export(new GreeterImpl("p"));
      Poll.untilTrue("ready with the export registered", () -> ready(provider) == 200, WAIT);
      HttpResponse<String> r = get(provider, "/health/ready");
      assertThat(r.body())
          .contains("\"status\":\"UP\"")
          .contains("\"" + Greeter.class.getName() + "\":true");

      zk.stop(); // the registry goes away: not ready, still live
      try {
        Poll.untilTrue("not ready without ZooKeeper", () -> ready(provider) == 503, WAIT);
        assertThat(get(provider, "/health/ready").body()).contains("\"registryConnected\":false");
        assertThat(get(provider, "/health/live").statusCode()).isEqualTo(200);
      } finally {
        zk.restart();
      }
      Poll.untilTrue("ready again once ZooKeeper is back", () -> ready(provider) == 200, WAIT);
    } finally {
      provider.close();
    }
    assertThatThrownBy(() -> get(provider, "/health/live")).isInstanceOf(IOException.class);
  }

  private static int ready(Farcall f) {
    try {
      return get(f, "/health/ready").statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void aBadRequestClosesItsConnectionAndTheEndpointGoesOn() throws Exception {
    try (Farcall provider = provider()) {
      int port = provider.adminAddress().getPort();
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write(
            ("GET /" + "a".repeat(5000) + " HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(reply).startsWith("HTTP/1.1 400");
      }
      assertThat(get(provider, "/nothing").statusCode()).isEqualTo(404);
      HttpResponse<String> post =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                  .POST(HttpRequest.BodyPublishers.ofString("x"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
      assertThat(get(provider, "/health/live").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void anApplicationRegistryGetsTheMetersAndTheEndpointServesThemToo() throws Exception {
    SimpleMeterRegistry app = new SimpleMeterRegistry();
    try (Farcall provider =
        Farcall.builder().registry(zk.connectString()).meterRegistry(app).adminPort(0).build()) {
      provider.export(new GreeterImpl("p"));
      assertThat(app.find("farcall.server.calls.started").counters()).isNotEmpty();
      assertThat(get(provider, "/metrics").body()).contains("farcall_server_calls_started_total{");
    }
  }

  @Test
  void aBadAdminPortIsRefusedNamingTheOption() {
    assertThatThrownBy(() -> Farcall.builder().option("adminport", "70000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("option 'adminport'");
  }
}
