package io.farcall.agent;

import io.farcall.agent.ProviderMetrics.Counts;
import io.farcall.agent.ProviderMetrics.Scrape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What {@code top} shows: per service and provider, the calls per second, errors per second and
 * 99th percentile duration over the last interval (from the difference of two scrapes, as
 * Prometheus's {@code rate} and {@code histogram_quantile} work them out), and the calls in flight.
 */
final class TopView {
  static final String[] HEADER = {"SERVICE / PROVIDER", "CALLS/S", "ERRORS/S", "P99", "ACTIVE"};
  private static final String NONE = "-";

  private TopView() {}

  /**
   * One provider's line: its address, then either the four figures or, when there are none, why.
   */
  record Row(String address, String calls, String errors, String p99, String active, String note) {
    static Row problem(String address, String note) {
      return new Row(address, NONE, NONE, NONE, NONE, note);
    }
  }

  /** A service and its providers' rows. */
  record Group(String service, List<Row> rows) {}

  /**
   * The row of a provider of {@code service} whose endpoint was scraped at {@code previous} and
   * then {@code current}. With no previous scrape there are no rates yet, only calls in flight.
   */
  static Row row(String service, String address, Scrape previous, Scrape current) {
    Counts now = current.services().get(service);
    if (now == null) {
      return Row.problem(address, "its metrics have no calls of this service");
    }
    Counts before = previous == null ? null : previous.services().get(service);
    String active = String.format(Locale.ROOT, "%.0f", now.active());
    if (before == null) {
      return new Row(address, NONE, NONE, NONE, active, "");
    }
    double seconds = (current.nanos() - previous.nanos()) / 1e9;
    if (seconds <= 0) {
      return new Row(address, NONE, NONE, NONE, active, "");
    }
    return new Row(
        address,
        rate(before.calls(), now.calls(), seconds),
        rate(before.errors(), now.errors(), seconds),
        duration(quantile(0.99, before, now)),
        active,
        "");
  }

  /**
   * A counter's increase per second; a counter that went down was reset (the provider restarted on
   * the same address), so all it counts now is new.
   */
  static String rate(double before, double now, double seconds) {
    double increase = now >= before ? now - before : now;
    return String.format(Locale.ROOT, "%.1f", increase / seconds);
  }

  /**
   * The {@code q} quantile of the calls that ended between two scrapes, in seconds: NaN if none
   * did. Within a bucket, durations are taken as evenly spread; a quantile in the {@code +Inf}
   * bucket is reported as the largest finite bound, since the histogram says nothing more.
   */
  static double quantile(double q, Counts before, Counts now) {
    double[] bounds = now.bounds();
    double[] counts = now.cumulative().clone();
    boolean reset =
        !Arrays.equals(bounds, before.bounds()) || now.calls() < before.calls(); // a new process
    if (!reset) {
      for (int i = 0; i < counts.length; i++) {
        counts[i] -= before.cumulative()[i];
      }
    }
    if (counts.length == 0 || counts[counts.length - 1] <= 0) {
      return Double.NaN;
    }
    double rank = q * counts[counts.length - 1];
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] >= rank) {
        if (bounds[i] == Double.POSITIVE_INFINITY) {
          return i == 0 ? Double.NaN : bounds[i - 1];
        }
        double lower = i == 0 ? 0 : bounds[i - 1];
        double below = i == 0 ? 0 : counts[i - 1];
        double in = counts[i] - below;
        return in <= 0 ? bounds[i] : lower + (bounds[i] - lower) * (rank - below) / in;
      }
    }
    return bounds[bounds.length - 1];
  }

  /** Seconds as {@code 0.42 ms}, {@code 12.5 ms}, {@code 250 ms} or {@code 1.20 s}; NaN as -. */
  static String duration(double seconds) {
    if (Double.isNaN(seconds)) {
      return NONE;
    }
    double ms = seconds * 1e3;
    if (ms < 10) {
      return String.format(Locale.ROOT, "%.2f ms", ms);
    }
    if (ms < 100) {
      return String.format(Locale.ROOT, "%.1f ms", ms);
    }
    if (ms < 1000) {
      return String.format(Locale.ROOT, "%.0f ms", ms);
    }
    return String.format(Locale.ROOT, "%.2f s", seconds);
  }

  /**
   * The table: a header, then each service's name and, indented under it, a line per provider with
   * the figures right-aligned in columns and any note after them.
   */
  static List<String> table(List<Group> groups) {
    int[] width = new int[HEADER.length];
    for (int c = 0; c < HEADER.length; c++) {
      width[c] = HEADER[c].length();
    }
    for (Group g : groups) {
      for (Row r : g.rows()) {
        String[] cells = cells(r);
        width[0] = Math.max(width[0], cells[0].length());
        for (int c = 1; c < cells.length; c++) {
          width[c] = Math.max(width[c], cells[c].length());
        }
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add(line(HEADER, width, ""));
    for (Group g : groups) {
      lines.add(g.service());
      if (g.rows().isEmpty()) {
        lines.add("  (no providers)");
      }
      for (Row r : g.rows()) {
        lines.add(line(cells(r), width, r.note()));
      }
    }
    return lines;
  }

  private static String[] cells(Row r) {
    return new String[] {"  " + r.address(), r.calls(), r.errors(), r.p99(), r.active()};
  }

  private static String line(String[] cells, int[] width, String note) {
    StringBuilder b = new StringBuilder(cells[0]);
    b.append(" ".repeat(width[0] - cells[0].length()));
    for (int c = 1; c < cells.length; c++) {
      b.append("  ").append(" ".repeat(width[c] - cells[c].length())).append(cells[c]);
    }
    if (!note.isEmpty()) {
      b.append("  ").append(note);
    }
    return b.toString();
  }
}
