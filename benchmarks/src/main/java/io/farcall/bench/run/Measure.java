package io.farcall.bench.run;

import io.farcall.bench.peer.Peer;
import io.farcall.bench.peer.RegistrationProbe;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The measuring JVM: starts one peer, runs the asked workloads and modes against it one after the
 * other, prints one {@link Result} line each, and exits. The orchestrator ({@code Bench}) forks one
 * per peer and workload so that peers never share a JIT profile or a heap.
 *
 * <p>Arguments: {@code --peer P --workloads w1,w2 --modes 1,32,128,async128 --payloads 100,1024
 * --providers N --warmup-ms M --warmup-stretch K --measure-ms M}, where the warm-up may go on for K
 * times its length more while the JIT compiles; or {@code --registration SAMPLES}.
 */
public final class Measure {
  /** Prefix of the lines carrying registration-to-routing samples, in milliseconds. */
  public static final String ROUTED = "ROUTED ";

  private Measure() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = options(argv);
    if (a.containsKey("registration")) {
      for (double ms : RegistrationProbe.measure(Integer.parseInt(a.get("registration")))) {
        System.out.println(ROUTED + String.format(Locale.ROOT, "%.2f", ms));
      }
      System.exit(0);
    }
    Peer peer = Peer.of(a.getOrDefault("peer", "farcall"));
    int providers = Integer.parseInt(a.getOrDefault("providers", "1"));
    // No defaults: the orchestrator passes its plan's times, and a missing one must not silently
    // become some other length.
    long warmup = Long.parseLong(required(a, "warmup-ms"));
    int stretch = Integer.parseInt(required(a, "warmup-stretch"));
    long measure = Long.parseLong(required(a, "measure-ms"));
    List<Workload> workloads = new ArrayList<>();
    for (String w : a.getOrDefault("workloads", "existUser").split(",")) {
      workloads.add(Workload.of(w));
    }
    List<Integer> payloads = new ArrayList<>();
    for (String p : a.getOrDefault("payloads", "0").split(",")) {
      payloads.add(Integer.parseInt(p));
    }
    String[] modes = a.getOrDefault("modes", "32").split(",");
    try (Peer.Session session = peer.start(providers)) {
      LoadRunner runner = new LoadRunner(session.client(), peer.label(), providers, stretch);
      for (Workload w : workloads) {
        for (int payload : payloads) {
          for (String mode : modes) {
            Result r;
            if (mode.startsWith("async")) {
              if (!peer.hasAsync() || w == Workload.ECHO) {
                continue;
              }
              int inFlight = Integer.parseInt(mode.substring("async".length()));
              r = runner.async(w, inFlight, payload, warmup, measure);
            } else {
              r = runner.closedLoop(w, Integer.parseInt(mode), payload, warmup, measure);
            }
            System.out.println(r.toLine());
            System.out.flush();
          }
        }
      }
    }
    // Pools of the peers' libraries may hold non-daemon threads a moment longer than close().
    System.exit(0);
  }

  private static String required(Map<String, String> options, String name) {
    String v = options.get(name);
    if (v == null) {
      throw new IllegalArgumentException("missing --" + name);
    }
    return v;
  }

  static Map<String, String> options(String[] argv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < argv.length; i++) {
      if (!argv[i].startsWith("--") || i + 1 == argv.length) {
        throw new IllegalArgumentException("expected --name value, got '" + argv[i] + "'");
      }
      m.put(argv[i].substring(2), argv[++i]);
    }
    return m;
  }
}
