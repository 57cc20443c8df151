package io.farcall.bench;

import io.farcall.bench.run.Measure;
import io.farcall.bench.run.Result;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark suite's command line. Forks one measuring JVM ({@link Measure}) per peer and
 * workload, in alternating order across rounds, collects their results, and reports medians over
 * the rounds: a table on standard output, and with {@code --out DIR} also {@code RESULTS.md} and
 * SVG charts there.
 *
 * <pre>
 * java -jar benchmarks.jar [quick|full|smoke] [--out DIR] [--rounds N] [--warmup-ms M]
 *     [--measure-ms M] [--peers a,b] [--workloads a,b] [--modes 1,32,128,async128]
 *     [--jvm-args "-Xmx1g ..."]
 * java -jar benchmarks.jar jmh [JMH options]
 * </pre>
 *
 * <p>Exit status: 0 when every measurement ran, 1 when one failed or made failed calls, 2 for bad
 * usage.
 */
public final class Bench {
  /** The flags every measuring JVM gets, whichever peer it runs. */
  static final String DEFAULT_JVM_ARGS = "-Xms1g -Xmx1g -XX:+UseG1GC";

  private final Plan plan;
  private final List<String> jvmArgs;
  private final List<Result> results = new ArrayList<>();
  private final List<Double> routedMillis = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private final List<Process> running = new CopyOnWriteArrayList<>();
  private List<CodecFigures.Row> codec = List.of();
  private int forked;

  Bench(Plan plan, List<String> jvmArgs) {
    this.plan = plan;
    this.jvmArgs = jvmArgs;
  }

  public static void main(String[] argv) throws Exception {
    if (argv.length > 0 && argv[0].equals("jmh")) {
      org.openjdk.jmh.Main.main(Arrays.copyOfRange(argv, 1, argv.length));
      return;
    }
    Map<String, String> options = new LinkedHashMap<>();
    String planName = "quick";
    int i = 0;
    if (argv.length > 0 && !argv[0].startsWith("--")) {
      planName = argv[0];
      i = 1;
    }
    Plan plan;
    try {
      for (; i < argv.length; i += 2) {
        if (!argv[i].startsWith("--") || i + 1 == argv.length) {
          throw new IllegalArgumentException("expected --option value, got '" + argv[i] + "'");
        }
        options.put(argv[i].substring(2), argv[i + 1]);
      }
      plan = Plan.named(planName).withOverrides(options);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.println(
          "usage: java -jar benchmarks.jar [quick|full|smoke] [--out DIR] [--rounds N]"
              + " [--warmup-ms M] [--measure-ms M] [--peers a,b] [--workloads a,b] [--modes"
              + " 1,32,128,async128] [--jvm-args \"...\"]");
      System.exit(2);
      return;
    }
    List<String> jvmArgs =
        List.of(options.getOrDefault("jvm-args", DEFAULT_JVM_ARGS).trim().split("\\s+"));
    Bench bench = new Bench(plan, jvmArgs);
    Runtime.getRuntime().addShutdownHook(new Thread(bench::killChildren, "bench-cleanup"));
    bench.runAll();
    Report report = new Report(plan, bench.results, bench.routedMillis, bench.codec);
    System.out.println();
    // The quick run prints one table; the others print every table they measured.
    System.out.print(plan.name().equals("quick") ? report.summary().toText() : report.text());
    String out = options.get("out");
    if (out != null) {
      Path dir = Path.of(out);
      report.write(dir);
      System.out.println("wrote " + dir.resolve("RESULTS.md") + " and its charts");
    }
    if (!bench.failures.isEmpty()) {
      System.err.println("bench: some measurements failed:");
      bench.failures.forEach(f -> System.err.println("  " + f));
      System.exit(1);
    }
    System.exit(0);
  }

  void runAll() throws Exception {
    String modes = String.join(",", plan.modes());
    for (int round = 0; round < plan.rounds(); round++) {
      if (plan.oneJvmPerPeer()) {
        for (String peer : rotate(plan.peers(), round)) {
          measure(
              plan.workloads().size() * plan.modes().size(),
              "--peer",
              peer,
              "--workloads",
              String.join(",", plan.workloads()),
              "--modes",
              modes);
        }
      } else {
        for (int w = 0; w < plan.workloads().size(); w++) {
          for (String peer : rotate(plan.peers(), round + w)) {
            measure(
                plan.modes().size(),
                "--peer",
                peer,
                "--workloads",
                plan.workloads().get(w),
                "--modes",
                modes);
          }
        }
      }
    }
    if (!plan.payloads().isEmpty()) {
      String payloads = join(plan.payloads());
      for (int round = 0; round < plan.rounds(); round++) {
        for (String peer : rotate(plan.peers(), round)) {
          measure(
              plan.payloads().size(),
              "--peer",
              peer,
              "--workloads",
              "echo",
              "--payloads",
              payloads,
              "--modes",
              "32");
        }
      }
    }
    for (int round = 0; round < plan.rounds(); round++) {
      for (int n : plan.providers()) {
        measure(
            2,
            "--peer",
            "farcall",
            "--providers",
            String.valueOf(n),
            "--workloads",
            "existUser,getUser",
            "--modes",
            "32");
      }
    }
    if (plan.registrationSamples() > 0) {
      measure(
          plan.registrationSamples(), "--registration", String.valueOf(plan.registrationSamples()));
    }
    if (plan.jmh()) {
      log("JMH: encoding and decoding one call, Farcall and protobuf (-prof gc)");
      codec = CodecFigures.run(plan.jmhTimes(), jvmArgs);
    }
  }

  /** Runs one measuring JVM and keeps what it reports. */
  private void measure(int cells, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Measure.class.getName());
    command.addAll(
        List.of(
            "--warmup-ms",
            String.valueOf(plan.warmupMillis()),
            "--warmup-stretch",
            String.valueOf(plan.warmupStretch()),
            "--measure-ms",
            String.valueOf(plan.measureMillis())));
    command.addAll(List.of(args));
    String what = String.join(" ", args);
    log("[" + ++forked + "] " + what);
    long started = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    running.add(p);
    try {
      p.getOutputStream().close();
      List<Result> mine = new ArrayList<>();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line = r.readLine(); line != null; line = r.readLine()) {
                    Result res = Result.parse(line);
                    if (res != null) {
                      mine.add(res);
                      log(
                          String.format(
                              "    %-13s %-10s %-8s %s%s %,10.0f calls/s  p50 %,8.0f us  p99 %,8.0f us"
                                  + "  %,8.0f B/call  %,6.1f us CPU/call  JIT %d ms%s",
                              res.peer(),
                              res.workload(),
                              res.mode(),
                              res.payload() > 0 ? res.payload() + " B " : "",
                              res.providers() > 1 ? res.providers() + " providers " : "",
                              res.callsPerSecond(),
                              res.p50Micros(),
                              res.p99Micros(),
                              res.bytesPerCall(),
                              res.cpuMicrosPerCall(),
                              res.jitMillis(),
                              res.errors() > 0 ? "  " + res.errors() + " FAILED" : ""));
                    } else if (line.startsWith(Measure.ROUTED)) {
                      synchronized (routedMillis) {
                        routedMillis.add(
                            Double.parseDouble(line.substring(Measure.ROUTED.length())));
                      }
                    } else {
                      System.err.println("    | " + line);
                    }
                  }
                } catch (IOException e) {
                  System.err.println("    | output lost: " + e);
                }
              },
              "bench-reader");
      reader.start();
      if (!p.waitFor(plan.jvmTimeoutSeconds(cells), TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        failures.add(what + ": did not finish in " + plan.jvmTimeoutSeconds(cells) + " s");
      } else if (p.exitValue() != 0) {
        failures.add(what + ": exited with " + p.exitValue());
      }
      reader.join(TimeUnit.SECONDS.toMillis(10));
      log(String.format("    (%.1f s)", (System.nanoTime() - started) / 1e9));
      synchronized (mine) {
        for (Result r : mine) {
          if (r.errors() > 0 || r.calls() == 0) {
            failures.add(
                what
                    + ": "
                    + r.peer()
                    + " "
                    + r.workload()
                    + " "
                    + r.mode()
                    + ": "
                    + r.calls()
                    + " calls, "
                    + r.errors()
                    + " failed");
          }
        }
        results.addAll(mine);
      }
    } finally {
      running.remove(p);
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  private void killChildren() {
    for (Process p : running) {
      p.destroyForcibly();
    }
  }

  static List<String> rotate(List<String> peers, int by) {
    List<String> r = new ArrayList<>(peers);
    Collections.rotate(r, -(by % Math.max(1, r.size())));
    return r;
  }

  private static String join(List<Integer> values) {
    StringBuilder sb = new StringBuilder();
    for (int v : values) {
      sb.append(sb.length() == 0 ? "" : ",").append(v);
    }
    return sb.toString();
  }

  static void log(String line) {
    System.err.println(line);
  }

  static void writeString(Path file, String content) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }
}
