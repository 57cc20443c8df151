package io.farcall.bench.run;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One measured cell: a peer, a workload, a mode (concurrent callers, or calls in flight from one
 * thread), what varied (argument size, providers), and its figures. Travels from the forked JVM to
 * the orchestrator as one line of {@code key=value} pairs.
 *
 * @param mode {@code "1"}, {@code "32"}, {@code "128"} closed-loop callers, or {@code "async128"}
 * @param payload argument size in bytes for {@code echo}, else 0
 * @param providers providers serving the calls
 * @param calls calls completed in the measured window
 * @param errors calls that failed in the measured window
 * @param callsPerSecond throughput
 * @param p50Micros median latency
 * @param p99Micros 99th percentile latency
 * @param p999Micros 99.9th percentile latency
 * @param bytesPerCall bytes allocated in the JVM (both sides) per call
 * @param cpuMicrosPerCall CPU time (user and system) the JVM used per call, both sides
 * @param jitMillis time the JIT compilers spent during the measured window (near 0 when warm)
 */
public record Result(
    String peer,
    String workload,
    String mode,
    int payload,
    int providers,
    long calls,
    long errors,
    double callsPerSecond,
    double p50Micros,
    double p99Micros,
    double p999Micros,
    double bytesPerCall,
    double cpuMicrosPerCall,
    long jitMillis) {

  static final String PREFIX = "RESULT ";

  public String toLine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("peer", peer);
    m.put("workload", workload);
    m.put("mode", mode);
    m.put("payload", payload);
    m.put("providers", providers);
    m.put("calls", calls);
    m.put("errors", errors);
    m.put("callsPerSecond", fmt(callsPerSecond));
    m.put("p50Micros", fmt(p50Micros));
    m.put("p99Micros", fmt(p99Micros));
    m.put("p999Micros", fmt(p999Micros));
    m.put("bytesPerCall", fmt(bytesPerCall));
    m.put("cpuMicrosPerCall", fmt(cpuMicrosPerCall));
    m.put("jitMillis", jitMillis);
    StringBuilder sb = new StringBuilder(PREFIX);
    m.forEach((k, v) -> sb.append(k).append('=').append(v).append(' '));
    return sb.toString().trim();
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.1f", d);
  }

  /** Parses a line {@link #toLine} wrote; null if the line is something else. */
  public static Result parse(String line) {
    if (!line.startsWith(PREFIX)) {
      return null;
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (String pair : line.substring(PREFIX.length()).trim().split(" ")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        m.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return new Result(
        m.get("peer"),
        m.get("workload"),
        m.get("mode"),
        Integer.parseInt(m.get("payload")),
        Integer.parseInt(m.get("providers")),
        Long.parseLong(m.get("calls")),
        Long.parseLong(m.get("errors")),
        Double.parseDouble(m.get("callsPerSecond")),
        Double.parseDouble(m.get("p50Micros")),
        Double.parseDouble(m.get("p99Micros")),
        Double.parseDouble(m.get("p999Micros")),
        Double.parseDouble(m.get("bytesPerCall")),
        Double.parseDouble(m.getOrDefault("cpuMicrosPerCall", "0")),
        Long.parseLong(m.getOrDefault("jitMillis", "0")));
  }
}
