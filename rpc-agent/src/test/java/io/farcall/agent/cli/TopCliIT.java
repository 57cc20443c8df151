package io.farcall.agent.cli;

import static io.farcall.agent.cli.CliProcesses.address;
import static io.farcall.agent.cli.CliProcesses.cli;
import static io.farcall.agent.cli.CliProcesses.testClasses;
import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.agent.cli.CliProcesses.Result;
import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.Farcall;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code java -jar rpc-agent.jar top} as a real process, reading real providers' admin endpoints
 * while a consumer in this JVM calls them.
 */
@Timeout(120)
class TopCliIT {
  private static final String CATALOG = Catalog.class.getName();
  private static final Duration WAIT = Duration.ofSeconds(30);

  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();

  @Test
  void topShowsEachProvidersCallsPerSecondAndP99AndWhichHaveNoAdminEndpoint() throws Exception {
    try (Farcall measured = Farcall.builder().registry(zk.connectString()).adminPort(0).build();
        Farcall unmeasured = Farcall.builder().registry(zk.connectString()).build();
        Farcall consumer = Farcall.builder().registry(zk.connectString()).build()) {
      measured.export(new CatalogImpl());
      unmeasured.export(new CatalogImpl());
      Catalog catalog = consumer.stub(Catalog.class);
      Poll.untilTrue(
          "the consumer knows both providers",
          () -> consumer.providers(Catalog.class).size() == 2,
          WAIT);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong calls = new AtomicLong();
      Thread caller =
          new Thread(
              () -> {
                while (!stop.get()) {
                  catalog.describe("sku-1");
                  calls.incrementAndGet();
                }
              },
              "top-it-caller");
      caller.start();
      Result r;
      try {
        Poll.untilTrue("calls are made", () -> calls.get() > 10, WAIT);
        r = cli("top", "--registry", zk.connectString(), "--interval", "1s", "--count", "2");
      } finally {
        stop.set(true);
        caller.join(WAIT.toMillis());
      }

      assertThat(r.status()).as(r.toString()).isZero();
      List<String> lines = r.outLines();
      // Two tables of five lines (title, header, service, two providers), a blank line apart.
      assertThat(lines).as(r.toString()).hasSize(11);
      assertThat(lines.get(5)).isEmpty();
      for (List<String> table : List.of(lines.subList(0, 5), lines.subList(6, 11))) {
        assertThat(table.get(0))
            .matches(
                "farcall top   "
                    + Pattern.quote(zk.connectString())
                    + " /farcall   every 1s   \\d\\d:\\d\\d:\\d\\d UTC");
        assertThat(table.get(1)).matches("SERVICE / PROVIDER +CALLS/S +ERRORS/S +P99 +ACTIVE");
        assertThat(table.get(2)).isEqualTo(CATALOG);
        String figures = figuresOf(table, address(measured));
        Matcher m =
            Pattern.compile("(\\d+\\.\\d) +0\\.0 +\\d+(\\.\\d+)? (ms|s) +\\d+").matcher(figures);
        assertThat(m.matches()).as("figures '%s' in%n%s", figures, r).isTrue();
        assertThat(Double.parseDouble(m.group(1))).as(r.toString()).isPositive();
        assertThat(figuresOf(table, address(unmeasured)))
            .matches("- +- +- +-  no admin endpoint \\(start it with adminport\\)");
      }
      assertThat(r.err()).isEmpty();
    }
  }

  @Test
  void aProviderWhoseAdminEndpointIsGoneIsShownUnreachable() throws Exception {
    String basePath = "/farcall-top-dead"; // its dead registration stays out of the other test
    Jvm doomed =
        Jvm.builder("doomed-provider")
            .withoutAgent()
            .classpath(Path.of(CliProcesses.agentJar()), Path.of(testClasses()))
            .main(CatalogProvider.class.getName(), zk.connectString(), basePath, "admin")
            .separateStderr()
            .start(jvms);
    String ready = doomed.firstLine(WAIT);
    assertThat(ready).as(doomed.err()).startsWith("READY ");
    String deadAddress = "127.0.0.1:" + ready.substring("READY ".length());
    doomed.kill(); // SIGKILL: its registration lasts until its session expires
    doomed.awaitExit(Duration.ofSeconds(10));

    Result r =
        cli(
            "top",
            CATALOG,
            "--registry",
            zk.connectString(),
            "--basepath",
            basePath,
            "--count",
            "1");

    assertThat(r.status()).as(r.toString()).isZero();
    assertThat(figuresOf(r.outLines(), deadAddress))
        .as(r.toString())
        .matches("- +- +- +-  unreachable: connection refused");
  }

  @Test
  void topOfAnUnknownServiceFailsNamingIt() {
    Result r = cli("top", "acme.Nowhere", "--registry", zk.connectString(), "--count", "1");

    assertThat(r.status()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains("no service named 'acme.Nowhere'");
  }

  /** What the line of the provider at {@code address} shows after its address. */
  private static String figuresOf(List<String> lines, String address) {
    String prefix = "  " + address + " ";
    return lines.stream()
        .filter(l -> l.startsWith(prefix))
        .findFirst()
        .map(l -> l.substring(prefix.length()).trim())
        .orElseThrow(() -> new AssertionError("no line for " + address + " in " + lines));
  }
}
