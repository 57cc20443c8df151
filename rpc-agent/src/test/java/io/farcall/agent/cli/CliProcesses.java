package io.farcall.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the agent jar's commands as real child processes of the test JVM, each to its end with its
 * stdout and stderr kept apart. Every command is bounded in time and killed if still alive then.
 * Long-running children are {@link io.farcall.agent.testing.Jvm}s.
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

  /** The test classes' directory, for child JVMs that run test code. */
  static String testClasses() {
    String dir = System.getProperty("farcall.testClasses");
    assertThat(dir).as("system property farcall.testClasses (set by failsafe)").isNotBlank();
    return dir;
  }

  /** Where {@code f} serves, as the CLI prints it. */
  static String address(io.farcall.runtime.Farcall f) {
    return "127.0.0.1:" + f.localAddress().getPort();
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
