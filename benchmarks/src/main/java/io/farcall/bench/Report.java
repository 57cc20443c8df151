package io.farcall.bench;

import io.farcall.bench.run.Result;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.DoubleStream;

/**
 * Turns the results of all rounds into tables: each figure is the median over the rounds that
 * measured it. Ratios put Farcall first: above 1 means Farcall is faster (throughput) or costs more
 * (latency, allocation).
 */
final class Report {
  static final String FARCALL = "farcall";
  static final String NONBLOCKING = "farcall-nonblocking";

  /** Farcall as it comes, and with the benchmark's provider marked {@code @NonBlocking}. */
  static final List<String> FARCALLS = List.of(FARCALL, NONBLOCKING);

  static final String GRPC = "grpc";
  static final String TUNED = "grpc-tuned";
  static final String CEILING = "netty-ceiling";

  private final Plan plan;
  private final Map<String, List<Result>> cells = new LinkedHashMap<>();
  private final List<Double> routed;
  private final List<CodecFigures.Row> codec;

  Report(Plan plan, List<Result> results, List<Double> routed, List<CodecFigures.Row> codec) {
    this.plan = plan;
    this.routed = routed;
    this.codec = codec;
    for (Result r : results) {
      cells
          .computeIfAbsent(
              key(r.peer(), r.workload(), r.mode(), r.payload(), r.providers()),
              k -> new ArrayList<>())
          .add(r);
    }
  }

  private static String key(String peer, String workload, String mode, int payload, int providers) {
    return peer + "|" + workload + "|" + mode + "|" + payload + "|" + providers;
  }

  /** The median of one figure over the rounds, or NaN if that cell was not measured. */
  private double median(
      String peer,
      String workload,
      String mode,
      int payload,
      int providers,
      ToDoubleFunction<Result> figure) {
    List<Result> rs = cells.get(key(peer, workload, mode, payload, providers));
    if (rs == null || rs.isEmpty()) {
      return Double.NaN;
    }
    double[] v = rs.stream().mapToDouble(figure).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private double figure(String peer, String workload, String mode, ToDoubleFunction<Result> f) {
    return median(peer, workload, mode, 0, 1, f);
  }

  List<Table> tables() {
    List<Table> tables = new ArrayList<>();
    tables.add(summary());
    Table main =
        new Table(
            "Throughput, latency, allocation and CPU (closed loop: N callers; asyncN: one thread, N"
                + " in flight; CPU: user and system time of the whole JVM, both sides, per call)",
            "workload",
            "mode",
            "peer",
            "calls/s",
            "p50 µs",
            "p99 µs",
            "p99.9 µs",
            "B/call",
            "CPU µs/call");
    Table ratios =
        new Table(
            "Farcall against the others (throughput ratios: >1 means Farcall is faster; p99 and"
                + " B/call ratios: <1 means Farcall is lower)",
            "farcall",
            "workload",
            "mode",
            "÷ grpc",
            "÷ grpc-tuned",
            "÷ ceiling",
            "p99 ÷ grpc",
            "p99 ÷ grpc-tuned",
            "B/call ÷ grpc");
    for (String w : plan.workloads()) {
      for (String mode : plan.modes()) {
        for (String peer : plan.peers()) {
          double cps = figure(peer, w, mode, Result::callsPerSecond);
          if (Double.isNaN(cps)) {
            continue;
          }
          main.row(
              w,
              mode,
              peer,
              num(cps),
              num(figure(peer, w, mode, Result::p50Micros)),
              num(figure(peer, w, mode, Result::p99Micros)),
              num(figure(peer, w, mode, Result::p999Micros)),
              num(figure(peer, w, mode, Result::bytesPerCall)),
              num(figure(peer, w, mode, Result::cpuMicrosPerCall)));
        }
        for (String variant : FARCALLS) {
          double f = figure(variant, w, mode, Result::callsPerSecond);
          if (!Double.isNaN(f)) {
            ratios.row(
                variant,
                w,
                mode,
                ratio(f, figure(GRPC, w, mode, Result::callsPerSecond)),
                ratio(f, figure(TUNED, w, mode, Result::callsPerSecond)),
                ratio(f, figure(CEILING, w, mode, Result::callsPerSecond)),
                ratio(
                    figure(variant, w, mode, Result::p99Micros),
                    figure(GRPC, w, mode, Result::p99Micros)),
                ratio(
                    figure(variant, w, mode, Result::p99Micros),
                    figure(TUNED, w, mode, Result::p99Micros)),
                ratio(
                    figure(variant, w, mode, Result::bytesPerCall),
                    figure(GRPC, w, mode, Result::bytesPerCall)));
          }
        }
      }
    }
    tables.add(main);
    tables.add(ratios);
    tables.add(targets());
    if (!plan.payloads().isEmpty()) {
      Table sizes =
          new Table(
              "Argument size (echo of a byte array, 32 callers)",
              "bytes",
              "peer",
              "calls/s",
              "MB/s each way",
              "p50 µs",
              "p99 µs",
              "B/call");
      for (int size : plan.payloads()) {
        for (String peer : plan.peers()) {
          double cps = median(peer, "echo", "32", size, 1, Result::callsPerSecond);
          if (!Double.isNaN(cps)) {
            sizes.row(
                String.format(Locale.ROOT, "%,d", size),
                peer,
                num(cps),
                num(cps * size / 1e6),
                num(median(peer, "echo", "32", size, 1, Result::p50Micros)),
                num(median(peer, "echo", "32", size, 1, Result::p99Micros)),
                num(median(peer, "echo", "32", size, 1, Result::bytesPerCall)));
          }
        }
      }
      tables.add(sizes);
    }
    if (!plan.providers().isEmpty()) {
      Table providers =
          new Table(
              "Number of providers (Farcall, least-loaded balancing, 32 callers, one JVM)",
              "providers",
              "workload",
              "calls/s",
              "p50 µs",
              "p99 µs");
      for (int n : plan.providers()) {
        for (String w : List.of("existUser", "getUser")) {
          double cps = median(FARCALL, w, "32", 0, n, Result::callsPerSecond);
          if (!Double.isNaN(cps)) {
            providers.row(
                String.valueOf(n),
                w,
                num(cps),
                num(median(FARCALL, w, "32", 0, n, Result::p50Micros)),
                num(median(FARCALL, w, "32", 0, n, Result::p99Micros)));
          }
        }
      }
      tables.add(providers);
    }
    if (!routed.isEmpty()) {
      double[] ms = routed.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      tables.add(
          new Table(
                  "From export() on a new provider to the first call routed to it (a busy"
                      + " consumer, ZooKeeper watches)",
                  "samples",
                  "min ms",
                  "median ms",
                  "p90 ms",
                  "max ms")
              .row(
                  String.valueOf(ms.length),
                  dec(ms[0]),
                  dec(ms[ms.length / 2]),
                  dec(ms[(int) Math.min(ms.length - 1, Math.ceil(ms.length * 0.9) - 1)]),
                  dec(ms[ms.length - 1])));
    }
    if (!codec.isEmpty()) {
      Table jmh =
          new Table(
              "Encoding and decoding one call, request and reply (JMH, -prof gc)",
              "workload",
              "codec",
              "ns/call",
              "± ns",
              "B/call");
      for (CodecFigures.Row r : codec) {
        jmh.row(r.workload(), r.codec(), num(r.nanos()), num(r.error()), num(r.bytes()));
      }
      tables.add(jmh);
    }
    tables.removeIf(Table::isEmpty);
    return tables;
  }

  /** The targets at 32 callers, with what was measured against each. */
  private Table targets() {
    Table t =
        new Table(
            "Targets (32 callers unless said otherwise)",
            "farcall",
            "target",
            "workload",
            "measured",
            "met");
    for (String v : FARCALLS) {
      for (String w : plan.workloads()) {
        double f = figure(v, w, "32", Result::callsPerSecond);
        double g = figure(GRPC, w, "32", Result::callsPerSecond);
        double tuned = figure(TUNED, w, "32", Result::callsPerSecond);
        target(t, v, "throughput ≥ 2 × grpc", w, f / g, f / g >= 2);
        target(t, v, "throughput ≥ 1.3 × grpc-tuned", w, f / tuned, f / tuned >= 1.3);
        double p99 = figure(v, w, "32", Result::p99Micros);
        double gp99 = figure(GRPC, w, "32", Result::p99Micros);
        double tp99 = figure(TUNED, w, "32", Result::p99Micros);
        target(t, v, "p99 ≤ grpc's", w, p99 / gp99, p99 <= gp99);
        target(t, v, "p99 ≤ grpc-tuned's", w, p99 / tp99, p99 <= tp99);
        double fa = figure(v, w, "32", Result::bytesPerCall);
        double ga = figure(GRPC, w, "32", Result::bytesPerCall);
        target(t, v, "B/call ≤ grpc's", w, fa / ga, fa <= ga);
        double p50 = figure(v, w, "1", Result::p50Micros);
        double c50 = figure(CEILING, w, "1", Result::p50Micros);
        target(t, v, "1 caller: p50 ≤ 1.3 × ceiling's", w, p50 / c50, p50 / c50 <= 1.3);
      }
      double f = figure(v, "existUser", "32", Result::callsPerSecond);
      double c = figure(CEILING, "existUser", "32", Result::callsPerSecond);
      target(t, v, "throughput ≥ 0.6 × ceiling", "existUser", f / c, f / c >= 0.6);
    }
    return t;
  }

  private static void target(
      Table t, String variant, String what, String workload, double ratio, boolean met) {
    if (!Double.isNaN(ratio)) {
      t.row(
          variant, what, workload, String.format(Locale.ROOT, "%.2f ×", ratio), met ? "yes" : "NO");
    }
  }

  /** Everything, one table after the other. */
  String text() {
    StringBuilder sb = new StringBuilder();
    for (Table t : tables()) {
      sb.append(t.toText()).append('\n');
    }
    return sb.toString();
  }

  /**
   * The one table the quick run prints: per workload and mode, each peer's throughput, Farcall's
   * ratios to the others, the p99 latencies and the bytes allocated per call.
   */
  Table summary() {
    Table t =
        new Table(
            "calls/s per peer (nb: farcall-nonblocking), Farcall's throughput ratios, p99 latency"
                + " (µs) and bytes allocated per call (both sides)",
            "workload",
            "mode",
            "farcall",
            "nb",
            "grpc",
            "grpc-tuned",
            "ceiling",
            "÷grpc",
            "÷tuned",
            "÷ceiling",
            "nb÷tuned",
            "nb÷ceiling",
            "p99 farcall",
            "p99 nb",
            "p99 grpc",
            "p99 tuned",
            "B farcall",
            "B grpc");
    for (String w : plan.workloads()) {
      for (String mode : plan.modes()) {
        double f = figure(FARCALL, w, mode, Result::callsPerSecond);
        double nb = figure(NONBLOCKING, w, mode, Result::callsPerSecond);
        double g = figure(GRPC, w, mode, Result::callsPerSecond);
        double tuned = figure(TUNED, w, mode, Result::callsPerSecond);
        double c = figure(CEILING, w, mode, Result::callsPerSecond);
        if (DoubleStream.of(f, nb, g, tuned, c).allMatch(Double::isNaN)) {
          continue;
        }
        t.row(
            w,
            mode,
            num(f),
            num(nb),
            num(g),
            num(tuned),
            num(c),
            ratio(f, g),
            ratio(f, tuned),
            ratio(f, c),
            ratio(nb, tuned),
            ratio(nb, c),
            num(figure(FARCALL, w, mode, Result::p99Micros)),
            num(figure(NONBLOCKING, w, mode, Result::p99Micros)),
            num(figure(GRPC, w, mode, Result::p99Micros)),
            num(figure(TUNED, w, mode, Result::p99Micros)),
            num(figure(FARCALL, w, mode, Result::bytesPerCall)),
            num(figure(GRPC, w, mode, Result::bytesPerCall)));
      }
    }
    return t;
  }

  void write(Path dir) throws IOException {
    StringBuilder md = new StringBuilder("# Farcall benchmark results\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Plan `%s` (%d round%s, %d ms warm-up, longer while the JIT still compiles (up to %d×"
                + " more), and %d ms measured per cell, peers in alternating order), %s, %d cores,"
                + " %s %s, %s. Client and server run in one forked JVM per peer"
                + " and workload, on loopback; B/call counts what every thread of that JVM allocated"
                + " (both sides of the call). Figures are medians over the rounds.%n%n",
            plan.name(),
            plan.rounds(),
            plan.rounds() == 1 ? "" : "s",
            plan.warmupMillis(),
            plan.warmupStretch(),
            plan.measureMillis(),
            LocalDate.now(),
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.vm.name"),
            System.getProperty("java.version"),
            System.getProperty("os.name") + " " + System.getProperty("os.arch")));
    List<String> charts = new ArrayList<>();
    String throughput =
        chart(
            "32",
            Result::callsPerSecond,
            "Throughput at 32 concurrent callers (higher is better)",
            "calls/s");
    if (throughput != null) {
      Bench.writeString(dir.resolve("throughput-32-callers.svg"), throughput);
      charts.add("![Throughput at 32 callers](throughput-32-callers.svg)");
    }
    String latency =
        chart("1", Result::p50Micros, "Median latency with one caller (lower is better)", "µs");
    if (latency != null) {
      Bench.writeString(dir.resolve("latency-1-caller.svg"), latency);
      charts.add("![Median latency with one caller](latency-1-caller.svg)");
    }
    for (String c : charts) {
      md.append(c).append("\n\n");
    }
    for (Table t : tables()) {
      md.append("## ").append(t.title()).append("\n\n").append(t.toMarkdown()).append('\n');
    }
    Bench.writeString(dir.resolve("RESULTS.md"), md.toString());
  }

  private String chart(String mode, ToDoubleFunction<Result> f, String title, String axis) {
    double[][] values = new double[plan.peers().size()][plan.workloads().size()];
    boolean any = false;
    for (int p = 0; p < plan.peers().size(); p++) {
      for (int w = 0; w < plan.workloads().size(); w++) {
        values[p][w] = figure(plan.peers().get(p), plan.workloads().get(w), mode, f);
        any |= !Double.isNaN(values[p][w]);
      }
    }
    return any ? SvgChart.bars(title, axis, plan.workloads(), plan.peers(), values) : null;
  }

  private static String num(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : dec(v);
  }

  private static String dec(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) || b == 0
        ? "–"
        : String.format(Locale.ROOT, "%.2f", a / b);
  }
}
