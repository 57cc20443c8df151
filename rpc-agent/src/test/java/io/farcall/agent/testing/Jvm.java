package io.farcall.agent.testing;

import io.farcall.runtime.testing.Poll;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real JVM started by a test, usually with {@code -javaagent:} pointing at the built agent jar.
 * Its output (stdout and stderr merged, unless {@link Builder#separateStderr()}) is collected line
 * by line and echoed with a prefix. {@link #close()} stops it (gracefully first, then forcibly);
 * {@link JvmProcesses} closes every JVM a test started, whatever happened.
 */
public final class Jvm implements AutoCloseable {
  public static final Path AGENT_JAR = Path.of(System.getProperty("farcall.agentJar"));
  public static final Path TEST_CLASSES = Path.of(System.getProperty("farcall.testClasses"));
  public static final Path ANNOTATIONS_JAR =
      Path.of(System.getProperty("farcall.appLibs"), "rpc-annotations.jar");
  public static final Path HOST_LIBS = Path.of(System.getProperty("farcall.hostLibs"));

  /** The JDKs to run applications on: this one, and Temurin 25 where it is installed. */
  public static List<String> javaHomes() {
    List<String> homes = new ArrayList<>(List.of(System.getProperty("java.home")));
    try (Stream<Path> jvms = Files.list(Path.of("/usr/lib/jvm"))) {
      jvms.filter(p -> p.getFileName().toString().startsWith("temurin-25"))
          .filter(p -> Files.isExecutable(p.resolve("bin/java")))
          .findFirst()
          .ifPresent(p -> homes.add(p.toString()));
    } catch (IOException e) {
      // no /usr/lib/jvm: this JDK only
    }
    return homes;
  }

  private final String name;
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;
  private final Path stderr;
  private volatile boolean suspended;

  private Jvm(String name, Process process, Path stderr) {
    this.name = name;
    this.process = process;
    this.stderr = stderr;
    this.reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  lines.add(line);
                  System.out.println("[" + name + "] " + line);
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "output-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  public long pid() {
    return process.pid();
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  public String output() {
    return String.join("\n", lines);
  }

  /** What it wrote to its standard error; only for a JVM started with separate stderr. */
  public String err() {
    if (stderr == null) {
      throw new IllegalStateException(name + "'s stderr is merged into its output()");
    }
    try {
      return Files.readString(stderr, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** Output, and stderr when kept apart, for failure messages. */
  private String outputAndErr() {
    return "output:\n" + output() + (stderr == null ? "" : "\nstderr:\n" + err());
  }

  /** The first line of its output; fails with the output so far if none comes in time. */
  public String firstLine(Duration timeout) {
    return awaitLine(line -> true, timeout);
  }

  /** Waits for a line matching {@code test}; fails with the output so far if none comes in time. */
  public String awaitLine(Predicate<String> test, Duration timeout) {
    /** The first line matching, if any, and whether the output had ended before the look. */
    record Seen(String line, boolean ended) {}
    Seen seen =
        Poll.until(
            () -> {
              boolean ended = !process.isAlive() && !reader.isAlive();
              return new Seen(lines.stream().filter(test).findFirst().orElse(null), ended);
            },
            s -> s.line() != null || s.ended(),
            timeout);
    if (seen.line() == null) {
      throw new AssertionError(
          name + " printed no expected line within " + timeout + "; " + outputAndErr());
    }
    return seen.line();
  }

  /** Waits for the JVM to exit by itself and returns its status; fails if it does not in time. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " did not exit within " + timeout + "; " + outputAndErr());
    }
    reader.join(5_000);
    return process.exitValue();
  }

  /** The JVM's standard input. */
  public OutputStream input() {
    return process.getOutputStream();
  }

  /** Closes the JVM's standard input (test applications exit when it ends). */
  public void closeInput() throws IOException {
    OutputStream in = process.getOutputStream();
    in.close();
  }

  /** Stops the JVM: SIGKILL at once, as {@code kill -9} would. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /**
   * Sends SIGTERM, as an orchestrator stopping a service does; the JVM runs its shutdown hooks and
   * exits. Returns at once: {@link #awaitExit} waits for the end. Unlike {@link Process#destroy()},
   * this leaves the JVM's input and output open, so its last lines are read and an application that
   * stops when its input ends does not race the signal.
   */
  public void terminate() throws IOException, InterruptedException {
    signal("TERM");
  }

  /** Freezes the JVM with SIGSTOP, as a hung host or a long pause would: it holds its sockets. */
  public void suspend() throws IOException, InterruptedException {
    suspended = true; // before the signal: close() must thaw it even if this throws
    signal("STOP");
  }

  /** Thaws a JVM frozen by {@link #suspend()} (SIGCONT). */
  public void resume() throws IOException, InterruptedException {
    signal("CONT");
    suspended = false;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
            .redirectErrorStream(true)
            .start();
    String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed: " + out);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (suspended && process.isAlive()) {
      // A frozen JVM would neither read its closed input nor act on SIGTERM.
      try {
        resume();
      } catch (IOException e) {
        process.destroyForcibly();
      }
    }
    if (process.isAlive()) {
      try {
        closeInput();
      } catch (IOException e) {
        // already closed
      }
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
    if (stderr != null) {
      try {
        Files.deleteIfExists(stderr);
      } catch (IOException e) {
        // a temp file; not worth failing a test over
      }
    }
  }

  public static final class Builder {
    private final String name;
    private String javaHome = System.getProperty("java.home");
    private String agentOptions;
    private boolean agent = true;
    private final List<Path> classpath = new ArrayList<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> agentsBefore = new ArrayList<>();
    private final Map<String, String> env = new HashMap<>();
    private String mainClass;
    private Path jar;
    private final List<String> args = new ArrayList<>();
    private boolean separateStderr;

    private Builder(String name) {
      this.name = name;
    }

    public Builder javaHome(String home) {
      this.javaHome = home;
      return this;
    }

    /** Options after {@code -javaagent:rpc-agent.jar=}; null for none. */
    public Builder agentOptions(String options) {
      this.agentOptions = options;
      return this;
    }

    public Builder withoutAgent() {
      this.agent = false;
      return this;
    }

    public Builder classpath(Path... entries) {
      classpath.addAll(List.of(entries));
      return this;
    }

    /** The usual application classpath: the test applications and the annotations jar only. */
    public Builder appClasspath() {
      return classpath(TEST_CLASSES, ANNOTATIONS_JAR);
    }

    /**
     * Another Java agent, {@code -javaagent:jar}: ahead of Farcall's on the command line (its
     * {@code premain} runs first) if {@code first}, else after it.
     */
    public Builder otherAgent(Path jar, boolean first) {
      (first ? agentsBefore : jvmArgs).add("-javaagent:" + jar);
      return this;
    }

    public Builder jvmArg(String arg) {
      jvmArgs.add(arg);
      return this;
    }

    public Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    public Builder main(String mainClass, String... args) {
      this.mainClass = mainClass;
      this.args.addAll(List.of(args));
      return this;
    }

    /** {@code -jar jar args...} instead of a classpath and a main class. */
    public Builder jar(Path jar, String... args) {
      this.jar = jar;
      this.args.addAll(List.of(args));
      return this;
    }

    /**
     * Keeps stderr out of the output, in a file read by {@link Jvm#err()}, for tests that check
     * what goes to stdout alone.
     */
    public Builder separateStderr() {
      this.separateStderr = true;
      return this;
    }

    public Jvm start(JvmProcesses processes) throws IOException {
      List<String> command = new ArrayList<>();
      command.add(Path.of(javaHome, "bin", "java").toString());
      command.add("-Xshare:auto");
      command.add("-XX:TieredStopAtLevel=1");
      command.addAll(agentsBefore);
      if (agent) {
        command.add("-javaagent:" + AGENT_JAR + (agentOptions == null ? "" : "=" + agentOptions));
      }
      command.addAll(jvmArgs);
      if (jar != null) {
        command.add("-jar");
        command.add(jar.toString());
      } else {
        command.add("-cp");
        command.add(
            classpath.stream()
                .map(Path::toString)
                .collect(Collectors.joining(java.io.File.pathSeparator)));
        command.add(mainClass);
      }
      command.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(command);
      Path stderr = null;
      if (separateStderr) {
        stderr = Files.createTempFile("farcall-" + name + "-", ".err");
        pb.redirectError(stderr.toFile());
      } else {
        pb.redirectErrorStream(true);
      }
      pb.environment().keySet().removeIf(k -> k.startsWith("FARCALL_"));
      pb.environment().putAll(env);
      Process process;
      try {
        process = pb.start();
      } catch (IOException e) {
        if (stderr != null) {
          Files.deleteIfExists(stderr);
        }
        throw e;
      }
      Jvm jvm = new Jvm(name, process, stderr);
      processes.add(jvm);
      return jvm;
    }
  }
}
