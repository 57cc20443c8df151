package io.farcall.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.runtime.FarcallOps.Outcome;
import io.farcall.runtime.FarcallOps.PingResult;
import io.farcall.runtime.FarcallOps.Provider;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CliOutputTest {
  private static final Instant T1 = Instant.parse("2026-11-21T11:20:01.250Z");
  private static final Instant T2 = Instant.parse("2026-11-21T11:25:42Z");

  @Test
  void servicesAreListedWithTheirProvidersInAlignedColumns() {
    Map<String, List<Provider>> services = new LinkedHashMap<>();
    services.put(
        "acme.shop.Inventory",
        List.of(
            new Provider("acme.shop.Inventory", "3f2a", "127.0.0.1", 41235, T1),
            new Provider("acme.shop.Inventory", "9bc1", "10.0.0.12", 7000, T2)));
    services.put(
        "acme.shop.Pricing",
        List.of(new Provider("acme.shop.Pricing", "77de", "127.0.0.1", 41236, null)));
    services.put("acme.shop.Retired", List.of());

    assertThat(CliOutput.services(services))
        .containsExactly(
            "acme.shop.Inventory",
            "  127.0.0.1:41235   since 2026-11-21 11:20:01 UTC   id 3f2a",
            "  10.0.0.12:7000    since 2026-11-21 11:25:42 UTC   id 9bc1",
            "acme.shop.Pricing",
            "  127.0.0.1:41236   since (unknown)                 id 77de",
            "acme.shop.Retired",
            "  (no providers)");
  }

  @Test
  void pingsShowOkWithTheRoundTripOrFailedWithTheReason() {
    Provider a = new Provider("s", "a", "127.0.0.1", 41235, T1);
    Provider b = new Provider("s", "b", "10.0.0.12", 7000, T1);
    Provider c = new Provider("s", "c", "127.0.0.1", 41236, T1);

    List<String> lines =
        CliOutput.pings(
            List.of(
                new PingResult(a, Outcome.OK, Duration.ofNanos(412_345), ""),
                new PingResult(b, Outcome.OK, Duration.ofMillis(1234), ""),
                new PingResult(c, Outcome.UNREACHABLE, null, "connection refused")));

    assertThat(lines)
        .containsExactly(
            "127.0.0.1:41235  ok      0.41 ms",
            "10.0.0.12:7000   ok      1234.00 ms",
            "127.0.0.1:41236  FAILED  connection refused");
  }

  @Test
  void helpListsEveryCommandAndOption() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status =
        Cli.run(
            CliArgs.parse("--help"),
            InputStream.nullInputStream(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    String help = out.toString(StandardCharsets.UTF_8);
    assertThat(status).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(help)
        .contains("  list ", "  ping SERVICE ", "  zookeeper ")
        .contains("--registry", "--basepath", "--timeout", "--port", "--stdin", "--help")
        .contains("default 127.0.0.1:2181", "default /farcall")
        .contains("Exit status:");
  }
}
