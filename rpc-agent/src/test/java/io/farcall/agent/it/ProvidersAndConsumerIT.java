package io.farcall.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An application compiled only against rpc-annotations, started as two provider JVMs and one
 * consumer JVM with the agent: the consumer's {@code @RemoteRef} fields reach both providers, also
 * in its constructor and through a static field, and a declared exception arrives as itself.
 */
class ProvidersAndConsumerIT {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();

  static List<String> javaHomes() {
    return Jvm.javaHomes();
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("javaHomes")
  void providersAndConsumerInSeparateJvmsCallEachOther(String javaHome) throws Exception {
    String options = "registry=" + zk.connectString();
    Jvm a = provider("provider-A", javaHome, options);
    Jvm b = provider("provider-B", javaHome, options);
    a.awaitLine(l -> l.equals("READY provider-A"), Duration.ofSeconds(60));
    b.awaitLine(l -> l.equals("READY provider-B"), Duration.ofSeconds(60));

    Jvm consumer =
        Jvm.builder("consumer")
            .javaHome(javaHome)
            .agentOptions(options)
            .appClasspath()
            .main("acme.shop.ConsumerApp")
            .start(jvms);
    assertThat(consumer.awaitExit(Duration.ofSeconds(60))).as(consumer.output()).isZero();
    assertThat(consumer.lines())
        .contains(
            "providers=provider-A,provider-B",
            "reserve=7",
            "exception=acme.shop.OutOfStock:sku-2",
            "DONE")
        .anyMatch(l -> l.matches("constructor-saw=provider-[AB]"))
        .anyMatch(l -> l.matches("static-field=provider-[AB]"));
    // Nothing the agent bundles makes the JDK warn (newer JDKs warn about sun.misc.Unsafe use).
    for (Jvm jvm : List.of(a, b, consumer)) {
      assertThat(jvm.lines()).as(jvm.output()).noneMatch(l -> l.startsWith("WARNING:"));
    }
  }

  private Jvm provider(String name, String javaHome, String options) throws Exception {
    return Jvm.builder(name)
        .javaHome(javaHome)
        .agentOptions(options)
        .jvmArg("-Dapp.name=" + name)
        .appClasspath()
        .main("acme.shop.ProviderApp")
        .start(jvms);
  }
}
