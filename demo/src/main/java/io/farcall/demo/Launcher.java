package io.farcall.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Runs the whole demo on this machine: one consumer JVM and two provider JVMs, each started with
 * {@code -javaagent:rpc-agent.jar} and no registry option (zero-config), so the first of them, the
 * consumer, hosts an embedded ZooKeeper on 127.0.0.1:2181 and the providers join it. The launcher
 * itself runs without the agent; it only starts the JVMs, echoes their output, kills {@code
 * provider-B} when the consumer asks, and stops every process it started, whatever happens (a
 * shutdown hook covers Ctrl-C).
 *
 * <p>{@code java -jar farcall-demo.jar [--agent PATH]}: the agent jar is looked for next to this
 * jar and in {@code rpc-agent/target/} of the source tree this jar was built in. Exit status 0 when
 * every step went as it should, 1 when one did not, 2 for bad arguments or a missing agent jar.
 */
public final class Launcher {
  static final String CONSUMER = "consumer";
  static final List<String> PROVIDERS = List.of("provider-A", "provider-B");
  static final String VICTIM = "provider-B";

  private static final long DEMO_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final long STEP_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final long EXIT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(15);

  /** Small JVMs that start fast: the demo's processes live for seconds. */
  private static final List<String> JVM_OPTIONS =
      List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private final Path java;
  private final Path agent;
  private final Path classpath;
  private final PrintStream out;
  private final List<Child> children = new CopyOnWriteArrayList<>();
  private boolean stopping; // guarded by this

  Launcher(Path java, Path agent, Path classpath, PrintStream out) {
    this.java = java;
    this.agent = agent;
    this.classpath = classpath;
    this.out = out;
  }

  public static void main(String[] args) {
    Path classpath;
    Path agent;
    try {
      classpath = ownLocation();
      agent = agentJar(args, classpath);
    } catch (IllegalArgumentException e) {
      System.err.println("farcall-demo: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (agent == null) {
      System.out.println(USAGE);
      return;
    }
    Launcher launcher = new Launcher(javaExecutable(), agent, classpath, System.out);
    Runtime.getRuntime().addShutdownHook(new Thread(launcher::stopAll, "farcall-demo-stop"));
    System.exit(launcher.run());
  }

  static final String USAGE =
      "usage: java -jar farcall-demo.jar [--agent PATH]\n"
          + "Runs a consumer and two providers, each with -javaagent:PATH (default: rpc-agent.jar"
          + " next to this jar, or rpc-agent/target/rpc-agent.jar of the source tree).";

  /** Runs the demo and stops every process it started; the exit status for the launcher. */
  int run() {
    long start = System.nanoTime();
    try {
      say("agent " + agent);
      runSteps(start + DEMO_TIMEOUT_NANOS);
      say(
          String.format(
              Locale.ROOT, "demo succeeded in %.1f s", (System.nanoTime() - start) / 1e9));
      return 0;
    } catch (DemoFailure e) {
      say("FAILED: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      say("FAILED: could not start a JVM: " + e);
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      say("FAILED: interrupted");
      return 1;
    } finally {
      stopAll();
    }
  }

  private void runSteps(long deadline) throws IOException, InterruptedException {
    // The consumer goes first: as the machine's first Farcall JVM it hosts the embedded ZooKeeper,
    // and it lives until the end, after the providers.
    Child consumer =
        start(
            CONSUMER,
            "io.farcall.demo.consumer.ConsumerMain",
            "-Ddemo.providers=" + String.join(",", PROVIDERS),
            "-Ddemo.victim=" + VICTIM);
    try {
      consumer.awaitLine("READY"::equals, "start Farcall", step(deadline));
    } catch (DemoFailure e) {
      throw new DemoFailure(
          e.getMessage()
              + " (zero-config uses 127.0.0.1:2181: is something other than ZooKeeper there?)");
    }
    say("consumer is up and the registry with it; starting the providers");

    Map<String, Child> providers = new LinkedHashMap<>();
    for (String name : PROVIDERS) {
      providers.put(
          name, start(name, "io.farcall.demo.provider.ProviderMain", "-Ddemo.provider=" + name));
    }
    for (Child provider : providers.values()) {
      provider.awaitLine(
          ("READY " + provider.name())::equals, "export its services", step(deadline));
    }

    String request =
        consumer.awaitLine(
            line -> line.startsWith("KILL ") || line.startsWith("DONE"),
            "ask for a provider to be killed",
            step(deadline));
    Child victim = providers.get(request.substring(request.indexOf(' ') + 1));
    if (!request.startsWith("KILL ") || victim == null) {
      throw new DemoFailure("the consumer did not ask for a provider to be killed: " + request);
    }
    say("killing " + victim.name() + " (pid " + victim.pid() + ") with SIGKILL");
    if (!victim.kill(TimeUnit.NANOSECONDS.toMillis(EXIT_TIMEOUT_NANOS))) {
      throw new DemoFailure(victim.name() + " survived SIGKILL");
    }
    say(victim.name() + " is dead");
    consumer.send("KILLED " + victim.name());

    String done = consumer.awaitLine(line -> line.startsWith("DONE"), "finish", step(deadline));

    // Providers first, while the ZooKeeper the consumer may host still runs: they deregister.
    List<String> problems = new ArrayList<>();
    for (Child provider : providers.values()) {
      provider.closeInput();
    }
    for (Child provider : providers.values()) {
      if (provider == victim) {
        continue;
      }
      int status = provider.awaitExit(exitDeadline(deadline));
      if (status != 0) {
        problems.add(describeExit(provider, status));
      }
    }
    consumer.closeInput();
    int status = consumer.awaitExit(exitDeadline(deadline));
    if (!done.equals("DONE ok")) {
      problems.add(0, "the consumer reports: " + done.substring("DONE".length()).trim());
    }
    if (status != 0) {
      problems.add(describeExit(consumer, status));
    }
    if (!problems.isEmpty()) {
      throw new DemoFailure(String.join("; ", problems));
    }
  }

  private static String describeExit(Child child, int status) {
    return status < 0
        ? child.name() + " did not exit when its input closed"
        : child.name() + " exited with status " + status;
  }

  private static long step(long deadline) {
    return Math.min(deadline, System.nanoTime() + STEP_TIMEOUT_NANOS);
  }

  private static long exitDeadline(long deadline) {
    // Stopping gets its own time even when the demo used up its own.
    return Math.max(deadline, System.nanoTime() + EXIT_TIMEOUT_NANOS);
  }

  private Child start(String name, String mainClass, String... properties) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add("-javaagent:" + agent);
    command.addAll(JVM_OPTIONS);
    command.addAll(List.of(properties));
    command.add("-cp");
    command.add(classpath.toString());
    command.add(mainClass);
    // Under the lock of stopAll(): a JVM started while it runs would be left behind.
    synchronized (this) {
      if (stopping) {
        throw new DemoFailure("stopping, so " + name + " is not started");
      }
      Child child = Child.start(name, command, out);
      children.add(child);
      say("started " + name + " (pid " + child.pid() + ")");
      return child;
    }
  }

  /**
   * Stops every child still running, providers before the consumer (which may host ZooKeeper). Safe
   * to call more than once and from the shutdown hook.
   */
  synchronized void stopAll() {
    stopping = true;
    List<Child> order = new ArrayList<>(children);
    Collections.reverse(order);
    List<String> stopped = new ArrayList<>();
    for (Child child : order) {
      if (child.isAlive()) {
        say("stopping " + child.name() + " (pid " + child.pid() + ")");
        if (!child.stop()) {
          say("could not stop " + child.name() + " (pid " + child.pid() + ")");
        }
      }
      stopped.add(child.name() + " " + child.pid());
    }
    if (!stopped.isEmpty() && children.stream().noneMatch(Child::isAlive)) {
      say("every process it started has ended (" + String.join(", ", stopped) + ")");
    }
    children.clear();
  }

  private void say(String line) {
    synchronized (out) {
      out.println("[launcher] " + line);
    }
  }

  /**
   * The agent jar: {@code --agent PATH} if given, else {@code rpc-agent.jar} next to {@code
   * ownLocation}, else {@code rpc-agent/target/rpc-agent.jar} of the source tree whose {@code
   * demo/target/} holds {@code ownLocation}. Null when the arguments ask for help.
   *
   * @throws IllegalArgumentException for an unknown argument or when no agent jar is there
   */
  static Path agentJar(String[] args, Path ownLocation) {
    Path given = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("-h") || arg.equals("--help")) {
        return null;
      } else if (arg.equals("--agent") && i + 1 < args.length) {
        given = Path.of(args[++i]);
      } else if (arg.startsWith("--agent=")) {
        given = Path.of(arg.substring("--agent=".length()));
      } else {
        throw new IllegalArgumentException("unknown argument '" + arg + "'\n" + USAGE);
      }
    }
    if (given != null) {
      if (!Files.isRegularFile(given)) {
        throw new IllegalArgumentException("--agent " + given + ": no such file");
      }
      return given.toAbsolutePath();
    }
    List<Path> candidates = new ArrayList<>();
    Path dir = ownLocation.toAbsolutePath().getParent();
    if (dir != null) {
      candidates.add(dir.resolve("rpc-agent.jar"));
      // demo/target/farcall-demo.jar (or demo/target/classes): up to the source tree's root.
      Path root = dir.getParent() == null ? null : dir.getParent().getParent();
      if (root != null) {
        candidates.add(root.resolve("rpc-agent").resolve("target").resolve("rpc-agent.jar"));
      }
    }
    for (Path candidate : candidates) {
      if (Files.isRegularFile(candidate)) {
        return candidate.normalize();
      }
    }
    throw new IllegalArgumentException(
        "no agent jar at "
            + candidates
            + ": build it with ./mvnw -B -q -DskipTests package, or pass --agent PATH");
  }

  private static Path ownLocation() {
    try {
      return Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      throw new IllegalArgumentException("cannot tell where farcall-demo.jar is: " + e, e);
    }
  }

  private static Path javaExecutable() {
    boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("win");
    return Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java");
  }
}
