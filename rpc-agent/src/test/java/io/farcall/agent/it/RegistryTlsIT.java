package io.farcall.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.agent.testing.ZooKeeperJvm;
import io.farcall.runtime.testing.TestPki;
import io.farcall.runtime.testing.TestPki.Issued;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to ZooKeeper, with ZooKeeper's own client TLS in the agent's relocated ZooKeeper client: a
 * real ZooKeeper server in a JVM of its own listening with TLS only (and asking clients for
 * certificates), a provider and a consumer that register and discover through it.
 */
class RegistryTlsIT {
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();
  @TempDir Path dir;

  @Test
  void providersAndConsumersRegisterAndDiscoverOverTlsToZooKeeper() throws Exception {
    TestPki ca = TestPki.authority(dir, "zk");
    Issued server = ca.issue("zookeeper");
    Issued client = ca.issue("fleet");
    int port = ZooKeeperJvm.freePort();
    startZooKeeper(port, server, ca);

    // A plaintext client gets no session from the TLS-only port.
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper plain =
        new ZooKeeper(
            "127.0.0.1:" + port,
            5000,
            e -> {
              if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            });
    try {
      assertThat(connected.await(3, TimeUnit.SECONDS)).as("a plaintext session").isFalse();
    } finally {
      plain.close();
    }

    String options =
        "registry=127.0.0.1:"
            + port
            + ",registrytls=true,registrytlsca="
            + ca.authorityFile()
            + ",registrytlscert="
            + client.certificate()
            + ",registrytlskey="
            + client.key();
    Jvm provider =
        Jvm.builder("provider")
            .agentOptions(options)
            .jvmArg("-Dapp.name=provider-A")
            .appClasspath()
            .main("acme.shop.ProviderApp")
            .start(jvms);
    provider.awaitLine(l -> l.equals("READY provider-A"), Duration.ofSeconds(60));
    Jvm consumer =
        Jvm.builder("consumer")
            .agentOptions(options)
            .appClasspath()
            .main("acme.shop.SecretsConsumerApp")
            .start(jvms);

    assertThat(consumer.awaitExit(Duration.ofSeconds(90))).as(consumer.output()).isZero();
    assertThat(consumer.lines())
        .as(consumer.output())
        .contains("answered-by={provider-A=40}", "wrong=0", "failed=0");
  }

  /** ZooKeeper's own server, TLS only, with the test's certificates. */
  private void startZooKeeper(int port, Issued server, TestPki ca) throws IOException {
    Path keyStore =
        Files.writeString(
            dir.resolve("zk-server.pem"),
            Files.readString(server.key()) + Files.readString(server.certificate()));
    ZooKeeperJvm.start(
        jvms,
        dir,
        port,
        List.of("secureClientPort=" + port, "secureClientPortAddress=127.0.0.1"),
        List.of(
            "-Dzookeeper.serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory",
            "-Dzookeeper.ssl.keyStore.location=" + keyStore,
            "-Dzookeeper.ssl.keyStore.type=PEM",
            "-Dzookeeper.ssl.trustStore.location=" + ca.authorityFile(),
            "-Dzookeeper.ssl.trustStore.type=PEM"));
  }
}
