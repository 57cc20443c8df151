package io.farcall.agent;

import io.farcall.runtime.FarcallOps.PingResult;
import io.farcall.runtime.FarcallOps.Provider;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** How the CLI shows services, providers and ping results: aligned columns, times in UTC. */
final class CliOutput {
  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private CliOutput() {}

  /**
   * One line per service, then one indented line per provider: address, since when, instance id,
   * contract fingerprint. Addresses are padded to the widest of all services, so the columns line
   * up. A service whose providers have different contracts says how many, and each provider whose
   * contract is not the most common one is marked {@code *}.
   */
  static List<String> services(Map<String, List<Provider>> services) {
    int width = 0;
    for (List<Provider> providers : services.values()) {
      for (Provider p : providers) {
        width = Math.max(width, p.address().length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, List<Provider>> e : services.entrySet()) {
      Map<String, List<Provider>> byContract = byContract(e.getValue());
      lines.add(
          byContract.size() > 1
              ? e.getKey()
                  + "   "
                  + byContract.size()
                  + " different contracts (java -jar rpc-agent.jar diff "
                  + e.getKey()
                  + ")"
              : e.getKey());
      if (e.getValue().isEmpty()) {
        lines.add("  (no providers)");
      }
      String common = byContract.isEmpty() ? null : byContract.keySet().iterator().next();
      for (Provider p : e.getValue()) {
        lines.add(
            "  "
                + pad(p.address(), width)
                + "   since "
                + since(p.registeredAt())
                + "   id "
                + p.id()
                + "   contract "
                + contract(p)
                + (byContract.size() > 1 && !contract(p).equals(common) ? " *" : ""));
      }
    }
    return lines;
  }

  /**
   * The providers of one service by contract fingerprint, the most common first; among contracts as
   * common, the one registered first (in a rolling upgrade, the version being replaced), then by
   * fingerprint.
   */
  static Map<String, List<Provider>> byContract(List<Provider> providers) {
    Map<String, List<Provider>> grouped = new LinkedHashMap<>();
    for (Provider p : providers) {
      grouped.computeIfAbsent(contract(p), k -> new ArrayList<>()).add(p);
    }
    List<Map.Entry<String, List<Provider>>> sorted = new ArrayList<>(grouped.entrySet());
    sorted.sort(
        Comparator.comparingInt((Map.Entry<String, List<Provider>> e) -> -e.getValue().size())
            .thenComparing(e -> firstRegistered(e.getValue()))
            .thenComparing(Map.Entry::getKey));
    Map<String, List<Provider>> ordered = new LinkedHashMap<>();
    sorted.forEach(entry -> ordered.put(entry.getKey(), entry.getValue()));
    return ordered;
  }

  private static Instant firstRegistered(List<Provider> providers) {
    Instant first = Instant.MAX;
    for (Provider p : providers) {
      if (p.registeredAt() != null && p.registeredAt().isBefore(first)) {
        first = p.registeredAt();
      }
    }
    return first;
  }

  static String contract(Provider p) {
    return p.contract() == null ? "(unknown)" : p.contract();
  }

  /**
   * What {@code diff} prints: which providers have which contract, then, for each contract other
   * than the most common one, the blocks (the interface, a type) that differ from it: {@code -} a
   * line only the most common contract has, {@code +} one only the other has.
   */
  static List<String> diff(String service, List<Provider> providers) {
    Map<String, List<Provider>> byContract = byContract(providers);
    List<String> lines = new ArrayList<>();
    if (byContract.size() == 1) {
      lines.add(
          service
              + ": all "
              + providers.size()
              + " providers have contract "
              + byContract.keySet().iterator().next());
      return lines;
    }
    lines.add(
        service + ": " + byContract.size() + " contracts among " + providers.size() + " providers");
    byContract.forEach(
        (fingerprint, having) ->
            lines.add(
                "  contract "
                    + fingerprint
                    + ": "
                    + String.join(", ", having.stream().map(Provider::address).toList())));
    List<Map.Entry<String, List<Provider>>> contracts = new ArrayList<>(byContract.entrySet());
    Map.Entry<String, List<Provider>> common = contracts.get(0);
    for (Map.Entry<String, List<Provider>> other : contracts.subList(1, contracts.size())) {
      lines.add("");
      lines.add("--- contract " + common.getKey());
      lines.add("+++ contract " + other.getKey());
      lines.addAll(
          blockDiff(
              blocks(common.getValue().get(0).contractText()),
              blocks(other.getValue().get(0).contractText())));
    }
    return lines;
  }

  /** A contract's text as blocks: each header line with the indented lines under it. */
  private static Map<String, List<String>> blocks(String text) {
    Map<String, List<String>> blocks = new LinkedHashMap<>();
    if (text == null) {
      blocks.put("(this provider's registration states no contract)", List.of());
      return blocks;
    }
    List<String> current = null;
    for (String line : text.split("\n")) {
      if (!line.startsWith(" ")) {
        current = new ArrayList<>();
        blocks.put(line, current);
      } else if (current != null) {
        current.add(line.trim());
      }
    }
    return blocks;
  }

  private static List<String> blockDiff(Map<String, List<String>> a, Map<String, List<String>> b) {
    List<String> lines = new ArrayList<>();
    Set<String> headers = new TreeSet<>(a.keySet());
    headers.addAll(b.keySet());
    for (String header : headers) {
      List<String> left = a.get(header);
      List<String> right = b.get(header);
      if (left != null && left.equals(right)) {
        continue;
      }
      if (left == null || right == null) {
        String sign = left == null ? "+" : "-";
        lines.add(sign + header);
        (left == null ? right : left).forEach(l -> lines.add(sign + "    " + l));
        continue;
      }
      lines.add(" " + header);
      for (String l : left) {
        if (!right.contains(l)) {
          lines.add("-    " + l);
        }
      }
      for (String l : right) {
        if (!left.contains(l)) {
          lines.add("+    " + l);
        }
      }
      if (new HashSet<>(left).equals(new HashSet<>(right))) {
        lines.add("     (the same members in another order)");
      }
    }
    return lines;
  }

  /** One line per provider: address, {@code ok} or {@code FAILED}, round trip or reason. */
  static List<String> pings(List<PingResult> results) {
    int width = 0;
    for (PingResult r : results) {
      width = Math.max(width, r.provider().address().length());
    }
    List<String> lines = new ArrayList<>();
    for (PingResult r : results) {
      String address = pad(r.provider().address(), width);
      lines.add(
          r.ok()
              ? address + "  ok      " + millis(r.roundTrip())
              : address + "  FAILED  " + r.detail());
    }
    return lines;
  }

  /** A round trip in milliseconds with two decimals: {@code 0.41 ms}. */
  static String millis(Duration d) {
    return String.format(Locale.ROOT, "%.2f ms", d.toNanos() / 1e6);
  }

  /** An interval as the options take it: {@code 1s}, {@code 1500ms}. */
  static String interval(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  static String since(Instant registeredAt) {
    return registeredAt == null ? pad("(unknown)", 23) : UTC.format(registeredAt);
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
