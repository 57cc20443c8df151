package io.farcall.spring.it;

import acme.ledger.Ledger;
import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.testing.Poll;
import io.farcall.test.FarcallExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Spring Boot test applications (spring-tests/app), built as executable jars: with Farcall's
 * annotations alone, run with the agent; or with the starter, run as a plain {@code java -jar}.
 */
enum LedgerApps {
  BOOT3("farcall.boot3App", false),
  BOOT4("farcall.boot4App", false),
  BOOT3_STARTER("farcall.boot3StarterApp", true),
  BOOT4_STARTER("farcall.boot4StarterApp", true);

  /** The jars without the starter have a web server, which only the web profile runs. */
  private static final String NO_WEB = "--spring.main.web-application-type=none";

  /** How long a Spring application may take to start on a loaded two-core machine. */
  static final Duration START = Duration.ofSeconds(90);

  private final String property;
  private final boolean starter;

  LedgerApps(String property, boolean starter) {
    this.property = property;
    this.starter = starter;
  }

  /** Whether the jar has the starter (and runs without the agent). */
  boolean starter() {
    return starter;
  }

  Path jar() {
    return Path.of(System.getProperty(property));
  }

  /**
   * Starts a provider: {@code java -javaagent:rpc-agent.jar=registry=... -jar app.jar
   * --spring.profiles.active=provider} (for a starter jar, {@code java -jar app.jar
   * --farcall.registry=...}), named {@code name}, whose exported bean takes {@code warmUp} in its
   * {@code @PostConstruct}.
   */
  Jvm provider(JvmProcesses jvms, String registry, String name, Duration warmUp)
      throws IOException {
    return start(
        jvms,
        registry,
        name,
        "--spring.profiles.active=provider",
        "--ledger.name=" + name,
        "--ledger.warmup-ms=" + warmUp.toMillis());
  }

  /** Starts a consumer: its bean calls the ledger as it is constructed. */
  Jvm consumer(JvmProcesses jvms, String registry, String name) throws IOException {
    return start(jvms, registry, name, "--spring.profiles.active=consumer");
  }

  /**
   * Starts the same provider beans in a plain Spring {@code ApplicationContext}, without Spring
   * Boot's start-up (the jar's classes, through its class loader), with the agent.
   */
  Jvm plainProvider(JvmProcesses jvms, String registry, String name) throws IOException {
    return Jvm.builder(name + "-" + name().toLowerCase())
        .agentOptions("registry=" + registry)
        .jvmArg("-Dloader.main=acme.plain.PlainLedgerMain")
        .jvmArg("-Dledger.name=" + name)
        .classpath(jar())
        .main("org.springframework.boot.loader.launch.PropertiesLauncher")
        .start(jvms);
  }

  /**
   * Starts a provider without Farcall: the application as it starts on its own (a starter jar with
   * {@code farcall.enabled=false}).
   */
  Jvm providerWithoutFarcall(JvmProcesses jvms, String name) throws IOException {
    List<String> args =
        new ArrayList<>(List.of("--spring.profiles.active=provider", "--ledger.name=" + name));
    if (starter) {
      args.addAll(List.of("--farcall.enabled=false", "--server.port=0"));
    } else {
      args.add(NO_WEB);
    }
    return Jvm.builder(name + "-" + name().toLowerCase())
        .withoutAgent()
        .jar(jar(), args.toArray(String[]::new))
        .start(jvms);
  }

  /** Starts a starter jar with the agent attached as well: the agent exports, the starter not. */
  Jvm providerWithAgentAndStarter(JvmProcesses jvms, String registry, String name)
      throws IOException {
    if (!starter) {
      throw new IllegalStateException(this + " has no starter");
    }
    return Jvm.builder(name + "-" + name().toLowerCase() + "-agent")
        .agentOptions("registry=" + registry)
        .jar(
            jar(),
            starterArgs(registry, "--spring.profiles.active=provider", "--ledger.name=" + name))
        .start(jvms);
  }

  /**
   * Starts a provider with the agent and more agent options than the registry ({@code
   * accesslog=true}, say); only for a jar without the starter.
   */
  Jvm providerWithAgentOptions(JvmProcesses jvms, String registry, String name, String options)
      throws IOException {
    return providerWithAgentOptions(jvms, registry, name, options, b -> b);
  }

  /** As above, with {@code jvm} adding to the launch: another agent, for one. */
  Jvm providerWithAgentOptions(
      JvmProcesses jvms,
      String registry,
      String name,
      String options,
      UnaryOperator<Jvm.Builder> jvm)
      throws IOException {
    if (starter) {
      throw new IllegalStateException(this + " runs without the agent");
    }
    return jvm.apply(Jvm.builder(name + "-" + name().toLowerCase()))
        .agentOptions("registry=" + registry + "," + options)
        .jar(jar(), "--spring.profiles.active=provider", "--ledger.name=" + name, NO_WEB)
        .start(jvms);
  }

  private Jvm start(JvmProcesses jvms, String registry, String name, String... args)
      throws IOException {
    Jvm.Builder b = Jvm.builder(name + "-" + name().toLowerCase());
    if (starter) {
      b.withoutAgent().jar(jar(), starterArgs(registry, args));
    } else {
      List<String> all = new ArrayList<>(List.of(args));
      all.add(NO_WEB);
      b.agentOptions("registry=" + registry).jar(jar(), all.toArray(String[]::new));
    }
    return b.start(jvms);
  }

  /**
   * Starts the web profile with the agent (a jar without the starter): {@code GET /square?x=N} on a
   * free port (see {@link #httpPort}) calls the ledger remotely. {@code jvm} adds to the launch,
   * another agent for one.
   */
  Jvm webConsumer(JvmProcesses jvms, String registry, String name, UnaryOperator<Jvm.Builder> jvm)
      throws IOException {
    if (starter) {
      throw new IllegalStateException(this + " runs without the agent");
    }
    return jvm.apply(Jvm.builder(name + "-" + name().toLowerCase()))
        .agentOptions("registry=" + registry)
        .jar(jar(), "--spring.profiles.active=web", "--server.port=0", "--server.address=127.0.0.1")
        .start(jvms);
  }

  /** A starter jar's arguments: the registry as a Spring property, and health over HTTP. */
  private static String[] starterArgs(String registry, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--farcall.registry=" + registry);
    all.add("--server.port=0");
    all.add("--management.endpoint.health.show-details=always");
    return all.toArray(String[]::new);
  }

  private static final Pattern PORT = Pattern.compile("started on port (\\d+)");

  /**
   * The HTTP port of a starter jar's web server, once it has started; it listens on 127.0.0.1 as on
   * every address.
   */
  static int httpPort(Jvm app) {
    Matcher m = PORT.matcher(app.awaitLine(l -> PORT.matcher(l).find(), START));
    if (!m.find()) {
      throw new IllegalStateException("no port in the line");
    }
    return Integer.parseInt(m.group(1));
  }

  /** A stub of the ledger, once {@code farcall}'s consumer knows a provider of it. */
  static Ledger stubOnceRegistered(FarcallExtension farcall) {
    Poll.untilTrue(
        "the provider is registered",
        () -> !farcall.consumer().providers(Ledger.class).isEmpty(),
        START);
    return farcall.stub(Ledger.class);
  }

  /** Waits until the application says it is ready; returns the JVM's uptime then, in ms. */
  static long awaitReady(Jvm app) {
    String line = app.awaitLine(l -> l.startsWith("READY after "), START);
    return Long.parseLong(line.substring("READY after ".length(), line.indexOf(" ms")));
  }
}
