package io.farcall.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.tools.attach.VirtualMachine;
import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.FarcallOps;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agent loaded a second time in one JVM, on the command line or by attaching, does nothing but
 * say so: every {@code @Export} object is still exported and registered once.
 */
class AgentLoadedTwiceIT {
  private static final String ALREADY_RUNNING = "already running in this JVM";

  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();

  @Test
  void givenTwiceOnTheCommandLineItExportsEachObjectOnce() throws Exception {
    String options = "registry=" + zk.connectString();
    Jvm provider =
        Jvm.builder("twice")
            .agentOptions(options)
            .jvmArg("-javaagent:" + Jvm.AGENT_JAR + "=" + options)
            .jvmArg("-Dapp.name=twice")
            .appClasspath()
            .main("acme.shop.ProviderApp")
            .start(jvms);
    provider.awaitLine("READY twice"::equals, Duration.ofSeconds(60));

    assertThat(provider.lines()).as(provider.output()).anyMatch(l -> l.contains(ALREADY_RUNNING));
    assertThat(registeredInventories()).as(provider.output()).hasSize(1);
  }

  @Test
  void attachedToAJvmThatHasItItDoesNothing() throws Exception {
    String options = "registry=" + zk.connectString();
    Jvm provider =
        Jvm.builder("attached")
            .agentOptions(options)
            .jvmArg("-Dapp.name=attached")
            .jvmArg("-Djdk.attach.allowAttachSelf=true")
            .appClasspath()
            .main("acme.shop.ProviderApp")
            .start(jvms);
    provider.awaitLine("READY attached"::equals, Duration.ofSeconds(60));

    VirtualMachine vm = VirtualMachine.attach(Long.toString(provider.pid()));
    try {
      vm.loadAgent(Jvm.AGENT_JAR.toString(), options);
    } finally {
      vm.detach();
    }

    provider.awaitLine(l -> l.contains(ALREADY_RUNNING), Duration.ofSeconds(30));
    assertThat(registeredInventories()).as(provider.output()).hasSize(1);
  }

  /** The Inventory providers the registry lists, once it lists any. */
  private static List<FarcallOps.Provider> registeredInventories() {
    try (FarcallOps ops =
        FarcallOps.connect(zk.connectString(), "/farcall", Duration.ofSeconds(10))) {
      return Poll.until(
          () -> ops.services().getOrDefault("acme.shop.Inventory", List.of()),
          listed -> !listed.isEmpty(),
          Duration.ofSeconds(20));
    }
  }
}
