package io.farcall.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.farcall.bench.run.Result;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  private static Result result(String peer, String mode, double cps, double p99, double bytes) {
    return new Result(
        peer, "existUser", mode, 0, 1, 1000, 0, cps, 10, p99, p99 * 2, bytes, cps / 4, 0);
  }

  @Test
  void aResultLineParsesBackToTheSameResult() {
    Result r =
        new Result(
            "grpc", "listUser", "async128", 0, 1, 1234, 2, 5678.9, 1.5, 20, 300, 4096, 42.5, 7);
    assertThat(Result.parse(r.toLine())).isEqualTo(r);
    assertThat(Result.parse("something else")).isNull();
  }

  @Test
  void figuresAreMediansOverRoundsAndRatiosPutFarcallFirst() {
    Plan plan = Plan.named("quick").withOverrides(Map.of("workloads", "existUser", "modes", "32"));
    List<Result> results =
        List.of(
            result("farcall", "32", 100, 50, 1000),
            result("farcall", "32", 300, 70, 1000),
            result("farcall", "32", 200, 60, 1000),
            result("grpc", "32", 50, 100, 4000),
            result("grpc-tuned", "32", 100, 80, 3000),
            result("netty-ceiling", "32", 400, 40, 100));
    String text = new Report(plan, results, List.of(), List.of()).text();
    // Farcall's median is 200 calls/s: 4x grpc, 2x tuned, half the ceiling.
    assertThat(text)
        .containsPattern("farcall +existUser +32 +4\\.00 +2\\.00 +0\\.50 +0\\.60 +0\\.75 +0\\.25");
    assertThat(text)
        .containsPattern("farcall +throughput ≥ 0.6 × ceiling +existUser +0\\.50 × +NO");
    assertThat(text).containsPattern("farcall +throughput ≥ 2 × grpc +existUser +4\\.00 × +yes");
    // Each peer's row ends with bytes allocated and CPU time per call (medians: 1,000 and 50).
    assertThat(text)
        .containsPattern("existUser +32 +farcall +200 +10\\.0 +60\\.0 +120 +1,000 +50\\.0");
    // The quick run's one table: every peer's calls/s side by side, then Farcall's ratios.
    assertThat(new Report(plan, results, List.of(), List.of()).summary().toText())
        .containsPattern(
            "existUser +32 +200 +– +50\\.0 +100 +400 +4\\.00 +2\\.00 +0\\.50 +– +– +60\\.0 +–"
                + " +100 +80\\.0");
  }

  @Test
  void writesMarkdownAndChartsThatAreWellFormed(@TempDir Path dir) throws Exception {
    Plan plan = Plan.named("quick").withOverrides(Map.of("workloads", "existUser"));
    List<Result> results =
        List.of(
            result("farcall", "32", 200, 60, 1000),
            result("grpc", "32", 50, 100, 4000),
            result("farcall", "1", 20, 6, 1000),
            result("netty-ceiling", "1", 25, 5, 100));
    new Report(plan, results, List.of(12.0, 30.5), List.of()).write(dir);
    String md = Files.readString(dir.resolve("RESULTS.md"));
    assertThat(md).contains("![Throughput at 32 callers](throughput-32-callers.svg)");
    assertThat(md).contains("| workload | mode | peer | calls/s |");
    assertThat(md).contains("| 2 | 12.0 |");
    for (String svg : List.of("throughput-32-callers.svg", "latency-1-caller.svg")) {
      byte[] bytes = Files.readAllBytes(dir.resolve(svg));
      // Parses as XML, with one bar per measured value.
      DocumentBuilderFactory.newInstance()
          .newDocumentBuilder()
          .parse(new ByteArrayInputStream(bytes));
      assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("<title>farcall existUser:");
    }
  }

  @Test
  void aBadOptionIsNamedInTheError() {
    Plan quick = Plan.named("quick");
    assertThatThrownBy(() -> quick.withOverrides(Map.of("rounds", "zero")))
        .hasMessageContaining("--rounds");
    assertThatThrownBy(() -> quick.withOverrides(Map.of("peers", "thrift")))
        .hasMessageContaining("--peers")
        .hasMessageContaining("thrift");
    assertThatThrownBy(() -> quick.withOverrides(Map.of("modes", "lots")))
        .hasMessageContaining("--modes");
    assertThatThrownBy(() -> quick.withOverrides(Map.of("colour", "red")))
        .hasMessageContaining("--colour");
    assertThatThrownBy(() -> Plan.named("huge")).hasMessageContaining("huge");
  }
}
