package io.farcall.spring.it;

import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** The Spring Boot test applications (spring-tests/app), built as executable jars. */
enum LedgerApps {
  BOOT3("farcall.boot3App"),
  BOOT4("farcall.boot4App");

  /** How long a Spring application may take to start on a loaded two-core machine. */
  static final Duration START = Duration.ofSeconds(90);

  private final String property;

  LedgerApps(String property) {
    this.property = property;
  }

  Path jar() {
    return Path.of(System.getProperty(property));
  }

  /**
   * Starts a provider with the agent: {@code java -javaagent:rpc-agent.jar=registry=... -jar
   * app.jar --spring.profiles.active=provider}, named {@code name}, whose exported bean takes
   * {@code warmUp} in its {@code @PostConstruct}.
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

  /** Starts a consumer with the agent: its bean calls the ledger as it is constructed. */
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

  /** Starts a provider without Farcall: the application as it starts on its own. */
  Jvm providerWithoutFarcall(JvmProcesses jvms, String name) throws IOException {
    return Jvm.builder(name + "-" + name().toLowerCase())
        .withoutAgent()
        .jar(jar(), "--spring.profiles.active=provider", "--ledger.name=" + name)
        .start(jvms);
  }

  private Jvm start(JvmProcesses jvms, String registry, String name, String... args)
      throws IOException {
    return Jvm.builder(name + "-" + name().toLowerCase())
        .agentOptions("registry=" + registry)
        .jar(jar(), args)
        .start(jvms);
  }

  /** Waits until the application says it is ready; returns the JVM's uptime then, in ms. */
  static long awaitReady(Jvm app) {
    String line = app.awaitLine(l -> l.startsWith("READY after "), START);
    return Long.parseLong(line.substring("READY after ".length(), line.indexOf(" ms")));
  }
}
