package io.farcall.bench;

import java.util.List;
import java.util.Map;

/**
 * What one run of the suite measures and for how long. {@code quick} is the README's few-minute
 * run, {@code full} the documented one behind the published results, {@code smoke} what CI runs so
 * that the suite never rots (every section, a fraction of a second each, no figures to trust).
 */
record Plan(
    String name,
    int rounds,
    long warmupMillis,
    int warmupStretch,
    long measureMillis,
    List<String> peers,
    List<String> workloads,
    List<String> modes,
    boolean oneJvmPerPeer,
    List<Integer> payloads,
    List<Integer> providers,
    int registrationSamples,
    boolean jmh,
    Map<String, String> jmhTimes) {

  static final List<String> ALL_PEERS =
      List.of(
          "farcall",
          "farcall-nonblocking",
          "grpc",
          "grpc-tuned",
          "farcall-tls",
          "grpc-tls",
          "netty-ceiling");
  static final List<String> ALL_WORKLOADS =
      List.of("existUser", "createUser", "getUser", "listUser");
  static final List<String> ALL_MODES = List.of("1", "32", "128", "async128");

  static Plan named(String name) {
    return switch (name) {
      case "quick" ->
          new Plan(
              "quick",
              1,
              1000,
              3,
              2000,
              ALL_PEERS,
              ALL_WORKLOADS,
              ALL_MODES,
              false,
              List.of(),
              List.of(),
              0,
              false,
              Map.of());
      case "full" ->
          new Plan(
              "full",
              2,
              2000,
              5,
              4000,
              ALL_PEERS,
              ALL_WORKLOADS,
              ALL_MODES,
              false,
              List.of(100, 1024, 10 * 1024, 100 * 1024, 1024 * 1024),
              List.of(1, 2, 4),
              20,
              true,
              Map.of("warmup", "3", "iterations", "5", "time", "1"));
      case "smoke" ->
          new Plan(
              "smoke",
              1,
              200,
              0,
              300,
              ALL_PEERS,
              ALL_WORKLOADS,
              List.of("1", "32", "async128"),
              true,
              List.of(100, 1024 * 1024),
              List.of(2),
              2,
              true,
              Map.of("warmup", "0", "iterations", "1", "time", "0.2"));
      default ->
          throw new IllegalArgumentException(
              "unknown plan '" + name + "'; known: quick, full, smoke");
    };
  }

  /**
   * This plan with the command line's overrides applied.
   *
   * @throws IllegalArgumentException naming an option that is unknown or has a bad value
   */
  Plan withOverrides(Map<String, String> options) {
    int rounds = this.rounds;
    long warmup = warmupMillis;
    long measure = measureMillis;
    List<String> peers = this.peers;
    List<String> workloads = this.workloads;
    List<String> modes = this.modes;
    for (Map.Entry<String, String> o : options.entrySet()) {
      String v = o.getValue();
      switch (o.getKey()) {
        case "out", "jvm-args" -> {}
        case "rounds" -> rounds = positive(o.getKey(), v);
        case "warmup-ms" -> warmup = positive(o.getKey(), v);
        case "measure-ms" -> measure = positive(o.getKey(), v);
        case "peers" -> peers = list(o.getKey(), v, ALL_PEERS);
        case "workloads" -> workloads = list(o.getKey(), v, ALL_WORKLOADS);
        case "modes" -> modes = modes(v);
        default ->
            throw new IllegalArgumentException(
                "unknown option --"
                    + o.getKey()
                    + "; known: out, rounds, warmup-ms, measure-ms, peers, workloads, modes,"
                    + " jvm-args");
      }
    }
    return new Plan(
        name,
        rounds,
        warmup,
        warmupStretch,
        measure,
        peers,
        workloads,
        modes,
        oneJvmPerPeer,
        payloads,
        providers,
        registrationSamples,
        jmh,
        jmhTimes);
  }

  private static int positive(String option, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "--" + option + " must be a positive number, was '" + value + "'");
  }

  private static List<String> list(String option, String value, List<String> known) {
    List<String> chosen = List.of(value.split(","));
    for (String c : chosen) {
      if (!known.contains(c)) {
        throw new IllegalArgumentException(
            "--" + option + ": unknown '" + c + "'; known: " + String.join(", ", known));
      }
    }
    return chosen;
  }

  private static List<String> modes(String value) {
    List<String> chosen = List.of(value.split(","));
    for (String m : chosen) {
      if (!m.matches("[1-9][0-9]*|async[1-9][0-9]*")) {
        throw new IllegalArgumentException(
            "--modes: '" + m + "' is neither a number of callers nor asyncN (N calls in flight)");
      }
    }
    return chosen;
  }

  /** The estimated seconds one forked JVM needs, with room, before it is considered hung. */
  long jvmTimeoutSeconds(int cells) {
    long cellMillis = warmupMillis * (1 + warmupStretch) + measureMillis;
    return 60 + cells * cellMillis * 2 / 1000;
  }
}
