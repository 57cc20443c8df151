package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.GreeterImpl;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.ZooKeeperExtension;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard in {@code ops/grafana}: every query is PromQL that Prometheus's own parser
 * accepts ({@code promtool check rules}), and names only metrics that a consumer and a provider
 * really expose after a few calls.
 */
class GrafanaDashboardTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  private static final Path DASHBOARD = Path.of("../ops/grafana/farcall-dashboard.json");
  private static final Pattern METRIC = Pattern.compile("\\bfarcall_[a-z_]+");

  private static List<String> queries() throws IOException {
    JsonNode root = new ObjectMapper().readTree(DASHBOARD.toFile());
    List<String> exprs = new ArrayList<>();
    for (JsonNode panel : root.get("panels")) {
      assertThat(panel.path("targets").size()).as(panel.path("title").asText()).isPositive();
      for (JsonNode target : panel.get("targets")) {
        exprs.add(target.get("expr").asText());
      }
    }
    return exprs;
  }

  @Test
  void everyMetricTheDashboardNamesExists() throws Exception {
    PrometheusMeterRegistry consumerMeters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PrometheusMeterRegistry providerMeters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    String scrape;
    try (Farcall provider =
            Farcall.builder().registry(zk.connectString()).meterRegistry(providerMeters).build();
        Farcall consumer =
            Farcall.builder().registry(zk.connectString()).meterRegistry(consumerMeters).build()) {
      provider.export(new GreeterImpl("p"));
      Greeter g = consumer.stub(Greeter.class);
      Poll.untilTrue(
          "the consumer knows the provider",
          () -> !consumer.providers(Greeter.class).isEmpty(),
          Duration.ofSeconds(15));
      for (int i = 0; i < 3; i++) {
        g.greet("x");
      }
      scrape = consumerMeters.scrape() + providerMeters.scrape();
    }
    Set<String> exposed = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      if (!line.startsWith("#")) {
        Matcher m = METRIC.matcher(line);
        if (m.lookingAt()) {
          exposed.add(m.group());
        }
      }
    }
    Set<String> named = new TreeSet<>();
    for (String q : queries()) {
      Matcher m = METRIC.matcher(q);
      while (m.find()) {
        named.add(m.group());
      }
    }
    assertThat(named).as("metrics the dashboard queries").hasSizeGreaterThan(10);
    assertThat(exposed).as("metrics a consumer and a provider expose").containsAll(named);
  }

  @Test
  void everyQueryIsPromQlThatPrometheusParses(@TempDir Path dir) throws Exception {
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    int n = 0;
    for (String q : queries()) {
      // Grafana's variables, as it would fill them in.
      String promql = q.replace("$__rate_interval", "1m").replace("$service", ".*");
      rules
          .append("      - record: farcall:dashboard:q")
          .append(n++)
          .append("\n        expr: '")
          .append(promql.replace("'", "''"))
          .append("'\n");
    }
    Path file = dir.resolve("rules.yml");
    Files.writeString(file, rules);
    Process promtool =
        new ProcessBuilder("promtool", "check", "rules", file.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(promtool.exitValue()).as("promtool check rules:%n%s", out).isZero();
    assertThat(out).contains("SUCCESS: " + n + " rules found");
  }
}
