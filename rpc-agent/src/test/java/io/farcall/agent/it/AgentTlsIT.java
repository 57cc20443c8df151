package io.farcall.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.testing.TestPki;
import io.farcall.runtime.testing.TestPki.Issued;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mutual TLS between JVMs running the built agent jar, whose Netty and netty-tcnative are
 * relocated: the renamed OpenSSL library must load (a wrong name would fall back to the JDK's TLS
 * without a word), and calls must work over it.
 */
class AgentTlsIT {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();
  @TempDir Path dir;

  static List<String> javaHomes() {
    return Jvm.javaHomes();
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("javaHomes")
  void callsGoOverMutualTlsThroughTheRelocatedOpenSsl(String javaHome) throws Exception {
    TestPki ca = TestPki.authority(dir, "fleet");
    Issued server = ca.issue("inventory");
    Issued client = ca.issue("checkout");

    Jvm provider = provider(Jvm.builder("provider").javaHome(javaHome), options(ca, server));
    Jvm consumer = consumer(Jvm.builder("consumer").javaHome(javaHome), options(ca, client));

    assertThat(consumer.awaitExit(Duration.ofSeconds(60))).as(consumer.output()).isZero();
    assertThat(consumer.lines()).contains("providers=provider-A", "reserve=7", "DONE");
    for (Jvm jvm : List.of(provider, consumer)) {
      assertThat(jvm.lines())
          .as(jvm.output())
          .anyMatch(l -> l.contains("TLS ON through OpenSSL (BoringSSL)"))
          .noneMatch(l -> l.contains("through the JDK's TLS"));
    }
  }

  @org.junit.jupiter.api.Test
  void whereOpenSslDoesNotLoadTheJdksTlsServesAndSaysSo() throws Exception {
    TestPki ca = TestPki.authority(dir, "fleet");
    // Netty's own switch, under the agent's relocated name: OpenSSL as if it did not load.
    Jvm provider =
        provider(
            Jvm.builder("provider")
                .jvmArg("-Dio.farcall.shaded.io.netty.handler.ssl.noOpenSsl=true"),
            options(ca, ca.issue("inventory")));
    Jvm consumer = consumer(Jvm.builder("consumer"), options(ca, ca.issue("checkout")));

    assertThat(consumer.awaitExit(Duration.ofSeconds(60))).as(consumer.output()).isZero();
    assertThat(consumer.lines()).contains("reserve=7", "DONE");
    assertThat(provider.lines())
        .as(provider.output())
        .anyMatch(l -> l.contains("TLS ON through the JDK's TLS: OpenSSL did not load"));
    assertThat(consumer.lines()).anyMatch(l -> l.contains("TLS ON through OpenSSL"));
  }

  /** The agent options of a JVM with tls=on that trusts {@code ca} and shows {@code cert}. */
  private String options(TestPki ca, Issued cert) {
    return "registry="
        + zk.connectString()
        + ",tls=on,tlsca="
        + ca.authorityFile()
        + ",tlscert="
        + cert.certificate()
        + ",tlskey="
        + cert.key();
  }

  /** ProviderApp as provider-A, once it is ready. */
  private Jvm provider(Jvm.Builder b, String options) throws Exception {
    Jvm provider =
        b.agentOptions(options)
            .jvmArg("-Dapp.name=provider-A")
            .appClasspath()
            .main("acme.shop.ProviderApp")
            .start(jvms);
    provider.awaitLine(l -> l.equals("READY provider-A"), Duration.ofSeconds(60));
    return provider;
  }

  private Jvm consumer(Jvm.Builder b, String options) throws Exception {
    return b.agentOptions(options).appClasspath().main("acme.shop.ConsumerApp").start(jvms);
  }
}
