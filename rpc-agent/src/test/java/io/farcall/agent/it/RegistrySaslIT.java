package io.farcall.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.agent.testing.ZooKeeperJvm;
import io.farcall.runtime.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ZooKeeper's SASL authentication (DIGEST-MD5) with ACLs: a real ZooKeeper server with a JAAS
 * {@code Server} section in a JVM of its own, and a provider whose agent's relocated ZooKeeper
 * client logs in with a JAAS {@code Client} section, as ZooKeeper's client is configured anywhere.
 */
class RegistrySaslIT {
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();
  @TempDir Path dir;

  @Test
  void aProviderThatLogsInWithSaslOwnsItsNodesAndStrangersCannotWriteThem() throws Exception {
    int port = ZooKeeperJvm.freePort();
    Path serverJaas =
        Files.writeString(
            dir.resolve("server.jaas"),
            "Server {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n"
                + "  user_fleet=\"fleet-secret\";\n};\n");
    ZooKeeperJvm.start(
        jvms,
        dir,
        port,
        List.of("clientPort=" + port, "clientPortAddress=127.0.0.1"),
        List.of(
            "-Djava.security.auth.login.config=" + serverJaas,
            "-Dzookeeper.fips-mode=false", // which ZooKeeper 3.9 needs for DIGEST-MD5
            "-Dzookeeper.authProvider.sasl=org.apache.zookeeper.server.auth.SASLAuthenticationProvider"));
    // The agent's ZooKeeper client is relocated, and so is the login module it carries.
    Path clientJaas =
        Files.writeString(
            dir.resolve("client.jaas"),
            "Client {\n  io.farcall.shaded.org.apache.zookeeper.server.auth.DigestLoginModule"
                + " required\n  username=\"fleet\"\n  password=\"fleet-secret\";\n};\n");
    String registry = "registry=127.0.0.1:" + port;
    Jvm provider =
        Jvm.builder("provider")
            .agentOptions(registry + ",registryacl=true")
            .jvmArg("-Djava.security.auth.login.config=" + clientJaas)
            .jvmArg("-Dzookeeper.fips-mode=false")
            .jvmArg("-Dapp.name=provider-A")
            .appClasspath()
            .main("acme.shop.ProviderApp")
            .start(jvms);
    provider.awaitLine(l -> l.equals("READY provider-A"), Duration.ofSeconds(60));

    try (ZooKeeper stranger = connected("127.0.0.1:" + port)) {
      String service = "/farcall/acme.shop.Inventory";
      Poll.untilTrue(
          "the provider registered",
          () -> {
            try {
              return !stranger.getChildren(service, false).isEmpty();
            } catch (KeeperException e) {
              return false;
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return false;
            }
          },
          Duration.ofSeconds(30));
      String instance = service + "/" + stranger.getChildren(service, false).get(0);
      assertThat(stranger.getACL(instance, new Stat()))
          .containsExactlyInAnyOrder(
              new ACL(ZooDefs.Perms.ALL, new Id("sasl", "fleet")),
              new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
      assertThatThrownBy(
              () ->
                  stranger.create(
                      service + "/fake",
                      new byte[0],
                      ZooDefs.Ids.OPEN_ACL_UNSAFE,
                      CreateMode.EPHEMERAL))
          .isInstanceOf(KeeperException.NoAuthException.class);
    }

    Jvm consumer =
        Jvm.builder("consumer")
            .agentOptions(registry)
            .appClasspath()
            .main("acme.shop.SecretsConsumerApp")
            .start(jvms);
    assertThat(consumer.awaitExit(Duration.ofSeconds(90))).as(consumer.output()).isZero();
    assertThat(consumer.lines()).as(consumer.output()).contains("answered-by={provider-A=40}");
  }

  private static ZooKeeper connected(String connectString) throws Exception {
    CountDownLatch up = new CountDownLatch(1);
    ZooKeeper zk =
        new ZooKeeper(
            connectString,
            10_000,
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
              }
            });
    assertThat(up.await(10, TimeUnit.SECONDS)).isTrue();
    return zk;
  }
}
