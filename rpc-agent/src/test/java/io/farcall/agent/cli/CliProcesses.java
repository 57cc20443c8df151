package io.farcall.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs the agent jar, and provider processes, as real child processes of the test JVM. Every
 * process is bounded in time and killed if still alive when its test is done.
 */
final class CliProcesses {
  static final Duration COMMAND_LIMIT = Duration.ofSeconds(60);

  private CliProcesses() {}

  static String agentJar() {
    String jar = System.getProperty("farcall.agentJar");
    assertThat(jar).as("system property farcall.agentJar (set by failsafe)").isNotBlank();
    assertThat(Path.of(jar)).as("the shaded agent jar").isRegularFile();
    return jar;
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** What a finished command printed, and how it exited. */
  record Result(int status, String out, String err, Duration took) {
    List<String> outLines() {
      return out.isEmpty() ? List.of() : List.of(out.split("\\R"));
    }

    @Override
    public String toString() {
      return "exit "
          + status
          + " after "
          + took.toMillis()
          + " ms\n--- stdout\n"
          + out
          + "--- stderr\n"
          + err;
    }
  }

  /** {@code java -jar rpc-agent.jar args...}, to its end (at most a minute). */
  static Result cli(String... args) {
    List<String> command = new ArrayList<>(List.of(java(), "-jar", agentJar()));
    command.addAll(List.of(args));
    return run(command);
  }

  static Result run(List<String> command) {
    Path out = null;
    Path err = null;
    Process p = null;
    try {
      out = Files.createTempFile("farcall-cli-", ".out");
      err = Files.createTempFile("farcall-cli-", ".err");
      long start = System.nanoTime();
      p =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!p.waitFor(COMMAND_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            command
                + " did not end within "
                + COMMAND_LIMIT
                + "; stderr: "
                + Files.readString(err));
      }
      return new Result(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8),
          Duration.ofNanos(System.nanoTime() - start));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } finally {
      if (p != null && p.isAlive()) {
        p.destroyForcibly();
      }
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /** A long-running child: its stdout read line by line, its stdin a pipe the test can close. */
  static final class Started implements AutoCloseable {
    final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path err;

    Started(List<String> command) throws IOException {
      this.err = Files.createTempFile("farcall-child-", ".err");
      this.process = new ProcessBuilder(command).redirectError(err.toFile()).start();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    lines.add(line);
                  }
                } catch (IOException e) {
                  // the process ended
                }
              },
              "child-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    /** The next line of its output, failing the test if none comes within {@code limit}. */
    String awaitLine(Duration limit) throws InterruptedException {
      String line = lines.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
      if (line == null) {
        throw new AssertionError(
            "no output within " + limit + " (alive: " + process.isAlive() + "); stderr: " + err());
      }
      return line;
    }

    void closeStdin() throws IOException {
      process.getOutputStream().close();
    }

    /** Its exit status, failing the test if it does not end within {@code limit}. */
    int awaitExit(Duration limit) throws InterruptedException {
      if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("still running after " + limit + "; stderr: " + err());
      }
      return process.exitValue();
    }

    String err() {
      try {
        return Files.readString(err, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(unreadable: " + e + ")";
      }
    }

    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
      deleteQuietly(err);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // a temp file; not worth failing a test over
      }
    }
  }
}
