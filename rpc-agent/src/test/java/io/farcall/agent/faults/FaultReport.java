package io.farcall.agent.faults;

import io.farcall.agent.testing.Jvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The figures of one scenario, written as one row of the table {@code target/fault-injection.md}
 * when its test ends, passed or failed. Register it in a static field, one per scenario; the test
 * fills in what it measured.
 *
 * <p>Rows are kept as files under {@code target/fault-injection/} (one per scenario, those of an
 * earlier test JVM removed when this one writes its first), and the table is rendered again from
 * all of them, in scenario order, after each scenario.
 */
final class FaultReport implements AfterEachCallback {
  private static final Path TARGET = Jvm.AGENT_JAR.getParent();
  private static final Path ROWS = TARGET.resolve("fault-injection");
  private static final Path TABLE = TARGET.resolve("fault-injection.md");
  private static boolean cleaned;

  private final int number;
  private final String scenario;
  private long calls = -1;
  private long failed = -1;
  private long duplicates = -1;
  private Duration detect;
  private Duration recover;
  private final List<String> notes = new ArrayList<>();

  FaultReport(int number, String scenario) {
    this.number = number;
    this.scenario = scenario;
  }

  /** The load's figures: calls made, calls failed, non-idempotent calls that ran twice. */
  synchronized void load(long calls, long failed, long duplicates) {
    this.calls = calls;
    this.failed = failed;
    this.duplicates = duplicates;
  }

  /** From the fault to when callers stopped being affected by it, as the scenario defines. */
  synchronized void detect(Duration d) {
    detect = d;
  }

  /** From the repair (or the fault) to service as before, as the scenario defines. */
  synchronized void recover(Duration d) {
    recover = d;
  }

  /** A fact for the outcome column. */
  synchronized void note(String note) {
    notes.add(note);
  }

  static Duration between(long fromNanos, long toNanos) {
    return Duration.ofNanos(toNanos - fromNanos);
  }

  @Override
  public synchronized void afterEach(ExtensionContext context) {
    String outcome =
        context.getExecutionException().map(e -> "**FAILED**: " + firstLine(e)).orElse("passed");
    if (!notes.isEmpty()) {
      outcome += "; " + String.join("; ", notes);
    }
    String row =
        "| "
            + number
            + ". "
            + scenario
            + " | "
            + count(calls)
            + " | "
            + count(failed)
            + " | "
            + count(duplicates)
            + " | "
            + millis(detect)
            + " | "
            + millis(recover)
            + " | "
            + outcome.replace("|", "\\|").replace("\n", " ")
            + " |";
    write(row);
  }

  /** The failure on one line, cut short: the test's own report has the rest. */
  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage()).strip().replaceAll("\\s+", " ");
    return e.getClass().getSimpleName() + " " + (m.length() > 300 ? m.substring(0, 300) + "…" : m);
  }

  private static String count(long n) {
    return n < 0 ? "–" : Long.toString(n);
  }

  private static String millis(Duration d) {
    return d == null ? "–" : d.toMillis() + " ms";
  }

  private void write(String row) {
    synchronized (FaultReport.class) {
      try {
        if (!cleaned) {
          cleaned = true;
          if (Files.isDirectory(ROWS)) {
            try (Stream<Path> old = Files.list(ROWS)) {
              for (Path p : old.toList()) {
                Files.delete(p);
              }
            }
          }
        }
        Files.createDirectories(ROWS);
        Files.writeString(
            ROWS.resolve(String.format("%02d.row", number)), row + "\n", StandardCharsets.UTF_8);
        render();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static void render() throws IOException {
    List<String> rows;
    try (Stream<Path> s = Files.list(ROWS)) {
      rows =
          s.filter(p -> p.getFileName().toString().endsWith(".row"))
              .sorted()
              .map(FaultReport::read)
              .toList();
    }
    StringBuilder md = new StringBuilder();
    md.append("| scenario | calls | failed | duplicates | detect | recover | outcome |\n");
    md.append("|---|---:|---:|---:|---:|---:|---|\n");
    rows.forEach(md::append);
    md.append('\n')
        .append("Produced by `io.farcall.agent.faults` on ")
        .append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
        .append(": ")
        .append(System.getProperty("os.name"))
        .append(' ')
        .append(System.getProperty("os.arch"))
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, Java ")
        .append(System.getProperty("java.version"))
        .append(".\n");
    Files.writeString(TABLE, md.toString(), StandardCharsets.UTF_8);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
