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
            provider("acme.shop.Inventory", "3f2a", "127.0.0.1", 41235, T1, "c1"),
            provider("acme.shop.Inventory", "9bc1", "10.0.0.12", 7000, T2, "c1")));
    services.put(
        "acme.shop.Pricing",
        List.of(new Provider("acme.shop.Pricing", "77de", "127.0.0.1", 41236, null)));
    services.put("acme.shop.Retired", List.of());

    assertThat(CliOutput.services(services))
        .containsExactly(
            "acme.shop.Inventory",
            "  127.0.0.1:41235   since 2026-11-21 11:20:01 UTC   id 3f2a   contract c1",
            "  10.0.0.12:7000    since 2026-11-21 11:25:42 UTC   id 9bc1   contract c1",
            "acme.shop.Pricing",
            "  127.0.0.1:41236   since (unknown)                 id 77de   contract (unknown)",
            "acme.shop.Retired",
            "  (no providers)");
  }

  @Test
  void aServiceWhoseProvidersHaveDifferentContractsIsMarked() {
    Map<String, List<Provider>> services =
        Map.of(
            "s",
            List.of(
                provider("s", "a", "127.0.0.1", 7001, T1, "c1"),
                provider("s", "b", "127.0.0.1", 7002, T1, "c2"),
                provider("s", "c", "127.0.0.1", 7003, T1, "c1")));

    assertThat(CliOutput.services(services))
        .containsExactly(
            "s   2 different contracts (java -jar rpc-agent.jar diff s)",
            "  127.0.0.1:7001   since 2026-11-21 11:20:01 UTC   id a   contract c1",
            "  127.0.0.1:7002   since 2026-11-21 11:20:01 UTC   id b   contract c2 *",
            "  127.0.0.1:7003   since 2026-11-21 11:20:01 UTC   id c   contract c1");
  }

  @Test
  void diffShowsWhoHasWhichContractAndTheMembersThatDiffer() {
    String v1 =
        "interface s\n  get(long) -> app.Item\nclass app.Item\n  qty: int\n  sku: java.lang.String!"
            + "\nenum app.Color\n  A\n  B";
    String v2 =
        "interface s\n  get(long) -> app.Item\nclass app.Item\n  note: java.lang.String!"
            + "\n  qty: long\n  sku: java.lang.String!\nenum app.Color\n  A\n  B"
            + "\nrecord app.Note\n  text: java.lang.String!";
    List<Provider> providers =
        List.of(
            provider("s", "a", "127.0.0.1", 7001, T1, "c1", v1),
            provider("s", "b", "127.0.0.1", 7002, T1, "c2", v2),
            provider("s", "c", "127.0.0.1", 7003, T1, "c1", v1));

    assertThat(CliOutput.diff("s", providers))
        .containsExactly(
            "s: 2 contracts among 3 providers",
            "  contract c1: 127.0.0.1:7001, 127.0.0.1:7003",
            "  contract c2: 127.0.0.1:7002",
            "",
            "--- contract c1",
            "+++ contract c2",
            " class app.Item",
            "-    qty: int",
            "+    note: java.lang.String!",
            "+    qty: long",
            "+record app.Note",
            "+    text: java.lang.String!");
    assertThat(CliOutput.diff("s", providers.subList(0, 1)))
        .containsExactly("s: all 1 providers have contract c1");
    // As common as each other: the one registered first is the one the other is compared with.
    assertThat(
            CliOutput.diff(
                "s",
                List.of(
                    provider("s", "b", "127.0.0.1", 7001, T2, "c2", v2),
                    provider("s", "a", "127.0.0.1", 7002, T1, "c1", v1))))
        .startsWith("s: 2 contracts among 2 providers", "  contract c1: 127.0.0.1:7002");
  }

  private static Provider provider(
      String service, String id, String host, int port, Instant at, String contract) {
    return provider(service, id, host, port, at, contract, "interface " + service);
  }

  private static Provider provider(
      String service, String id, String host, int port, Instant at, String contract, String text) {
    return new Provider(service, id, host, port, at, contract, text);
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
        .contains("  list ", "  ping SERVICE ", "  diff SERVICE ", "  zookeeper ")
        .contains("--registry", "--basepath", "--timeout", "--port", "--stdin", "--help")
        .contains("default 127.0.0.1:2181", "default /farcall")
        .contains("Exit status:");
  }
}
