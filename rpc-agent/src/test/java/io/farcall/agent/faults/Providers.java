package io.farcall.agent.faults;

import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Starting the scenarios' provider JVMs. */
final class Providers {
  static final Duration START_LIMIT = Duration.ofSeconds(60);

  private Providers() {}

  /** A provider JVM of the scenario, listening on a port chosen up front. */
  record Provider(String name, int port, Jvm jvm) {
    String address() {
      return "127.0.0.1:" + port;
    }

    /**
     * Waits for {@code READY}; fails if the agent did not export (it logs that and lets the
     * application go on, which here would only show later as a provider missing).
     */
    Provider awaitReady() {
      jvm.awaitLine(l -> l.equals("READY " + name), START_LIMIT);
      if (jvm.lines().stream().noneMatch(l -> l.contains(" exported "))) {
        throw new AssertionError(name + " exported nothing; output:\n" + jvm.output());
      }
      return this;
    }
  }

  /**
   * Starts {@code acme.faults.LedgerProvider} with the agent, registering in {@code registry},
   * recording its executions under {@code executions}; does not wait for it to be ready.
   */
  static Provider ledger(JvmProcesses jvms, String name, String registry, Path executions)
      throws IOException {
    return start(jvms, name, registry, executions, "acme.faults.LedgerProvider");
  }

  static Provider start(
      JvmProcesses jvms,
      String name,
      String registry,
      Path executions,
      String mainClass,
      String... args)
      throws IOException {
    return start(jvms, name, registry, "", Map.of(), executions, mainClass, args);
  }

  /**
   * As above, with more agent options ({@code ,key=value...}) and environment variables for the
   * JVM.
   */
  static Provider start(
      JvmProcesses jvms,
      String name,
      String registry,
      String moreOptions,
      Map<String, String> env,
      Path executions,
      String mainClass,
      String... args)
      throws IOException {
    int port = ZooKeeperExtension.freePort();
    Jvm.Builder builder =
        Jvm.builder(name)
            .agentOptions("registry=" + registry + ",port=" + port + moreOptions)
            .jvmArg("-Dapp.name=" + name)
            .jvmArg("-Dexecution.dir=" + executions)
            .appClasspath()
            .main(mainClass, args);
    env.forEach(builder::env);
    return new Provider(name, port, builder.start(jvms));
  }
}
