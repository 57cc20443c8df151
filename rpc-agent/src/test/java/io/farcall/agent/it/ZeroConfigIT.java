package io.farcall.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With no registry configured, the first JVM on the machine hosts an embedded ZooKeeper on
 * 127.0.0.1:2181 and the next one joins it.
 */
class ZeroConfigIT {
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();

  @Test
  void theFirstJvmHostsAnEmbeddedZooKeeperAndTheNextJoinsIt() throws Exception {
    assertThat(answers2181())
        .as("this test needs 127.0.0.1:2181 free: something already listens there")
        .isFalse();
    Jvm provider =
        Jvm.builder("zero-provider")
            .jvmArg("-Dapp.name=zero-provider")
            .appClasspath()
            .main("acme.shop.ProviderApp")
            .start(jvms);
    provider.awaitLine(l -> l.equals("READY zero-provider"), Duration.ofSeconds(60));
    assertThat(provider.lines())
        .anyMatch(l -> l.contains("No ZooKeeper at 127.0.0.1:2181; started an embedded one"));

    Jvm consumer =
        Jvm.builder("zero-consumer").appClasspath().main("acme.shop.ConsumerApp").start(jvms);
    assertThat(consumer.awaitExit(Duration.ofSeconds(60))).as(consumer.output()).isZero();
    assertThat(consumer.lines())
        .contains("providers=zero-provider", "DONE")
        .noneMatch(l -> l.contains("started an embedded one"));

    provider.closeInput();
    assertThat(provider.awaitExit(Duration.ofSeconds(30))).isZero();
    assertThat(answers2181()).as("the embedded ZooKeeper stopped with its JVM").isFalse();
  }

  private static boolean answers2181() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", 2181), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
