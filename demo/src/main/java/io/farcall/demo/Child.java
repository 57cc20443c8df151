package io.farcall.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One JVM the launcher started. Its standard output and error are echoed line by line with its name
 * in front, and its output lines are queued for {@link #awaitLine}. Output lines starting with
 * {@code #} are requests to the launcher: queued without the {@code #}, not echoed. Thread-safe.
 */
final class Child {
  private static final String END = "\0end";

  private final String name;
  private final Process process;
  private final PrintStream out;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Thread stdoutPump;
  private final Thread stderrPump;
  private volatile String lastError;

  private Child(String name, Process process, PrintStream out) {
    this.name = name;
    this.process = process;
    this.out = out;
    this.stdoutPump = pump(process.getInputStream(), true);
    this.stderrPump = pump(process.getErrorStream(), false);
  }

  /** Starts {@code command} as the child called {@code name}, echoing its output to {@code out}. */
  static Child start(String name, List<String> command, PrintStream out) throws IOException {
    Process process = new ProcessBuilder(command).start();
    return new Child(name, process, out);
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  private Thread pump(InputStream stream, boolean stdout) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  if (stdout && line.startsWith("#")) {
                    lines.add(line.substring(1));
                    continue;
                  }
                  if (stdout && line.startsWith("ERROR ")) {
                    lastError = line.substring("ERROR ".length());
                  }
                  if (stdout) {
                    lines.add(line);
                  }
                  echo(line);
                }
              } catch (IOException e) {
                // the process is gone
              } finally {
                if (stdout) {
                  lines.add(END);
                }
              }
            },
            name + (stdout ? "-stdout" : "-stderr"));
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void echo(String line) {
    synchronized (out) {
      out.println("[" + name + "] " + line);
    }
  }

  /**
   * Waits for an output line that {@code wanted} accepts, skipping the others, and returns it.
   *
   * @throws DemoFailure if the process ends or {@code deadlineNanos} (a {@link System#nanoTime()})
   *     passes first; {@code what} says what was awaited
   */
  String awaitLine(Predicate<String> wanted, String what, long deadlineNanos)
      throws InterruptedException {
    while (true) {
      String line =
          lines.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new DemoFailure("timed out waiting for " + name + " to " + what);
      }
      if (line.equals(END)) {
        lines.add(END);
        String status = process.waitFor(2, TimeUnit.SECONDS) ? "" + process.exitValue() : "unknown";
        throw new DemoFailure(
            name
                + " ended (exit status "
                + status
                + ") instead of being about to "
                + what
                + (lastError == null ? "" : ": " + lastError));
      }
      if (wanted.test(line)) {
        return line;
      }
    }
  }

  /** Writes one line to the child's standard input. */
  void send(String line) throws IOException {
    Writer w = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    w.write(line + "\n");
    w.flush();
  }

  /** Closes the child's standard input: the demo's JVMs take that as the signal to finish. */
  void closeInput() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // already gone
    }
  }

  /** Kills the process at once (SIGKILL on Unix) and waits for it to be gone. */
  boolean kill(long timeoutMillis) throws InterruptedException {
    process.destroyForcibly();
    return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** Waits for the process to exit; its exit status, or -1 if it still runs at the deadline. */
  int awaitExit(long deadlineNanos) throws InterruptedException {
    if (!process.waitFor(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
      return -1;
    }
    // Let the echo threads print what the process said last.
    stdoutPump.join(2000);
    stderrPump.join(2000);
    return process.exitValue();
  }

  /**
   * Stops the process if it still runs: asks politely (SIGTERM, so its shutdown hooks run), then
   * forcibly. Returns whether it is gone.
   */
  boolean stop() {
    if (!process.isAlive()) {
      return true;
    }
    try {
      process.destroy();
      if (process.waitFor(5, TimeUnit.SECONDS)) {
        return true;
      }
      process.destroyForcibly();
      return process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }
}
