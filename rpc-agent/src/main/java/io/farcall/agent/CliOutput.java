package io.farcall.agent;

import io.farcall.runtime.FarcallOps.PingResult;
import io.farcall.runtime.FarcallOps.Provider;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How the CLI shows services, providers and ping results: aligned columns, times in UTC. */
final class CliOutput {
  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private CliOutput() {}

  /**
   * One line per service, then one indented line per provider: address, since when, instance id.
   * Addresses are padded to the widest of all services, so the columns line up.
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
      lines.add(e.getKey());
      if (e.getValue().isEmpty()) {
        lines.add("  (no providers)");
      }
      for (Provider p : e.getValue()) {
        lines.add(
            "  "
                + pad(p.address(), width)
                + "   since "
                + since(p.registeredAt())
                + "   id "
                + p.id());
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

  static String since(Instant registeredAt) {
    return registeredAt == null ? pad("(unknown)", 23) : UTC.format(registeredAt);
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
