package io.farcall.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.TestPki;
import io.farcall.runtime.testing.TestPki.Issued;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry poisoning attack, against JVMs running the built agent jar: a stock ZooKeeper client
 * writes a fake instance of the provider's service, pointing at a listener of the test's that keeps
 * every byte it is sent. With ACLs on, the fake instance cannot be written; with TLS on and the
 * registry left open, it is written but no call's arguments reach it, and every call gets the real
 * provider's answer.
 */
class RegistryPoisoningIT {
  @RegisterExtension final ZooKeeperExtension zk = ZooKeeperExtension.perTest();
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();
  @TempDir Path dir;

  private static final String SERVICE = "/farcall/acme.shop.Inventory";

  private ZooKeeper attacker;
  private FakeProvider fake;

  @BeforeEach
  void start() throws Exception {
    CountDownLatch up = new CountDownLatch(1);
    attacker =
        new ZooKeeper(
            zk.connectString(),
            10_000,
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
              }
            });
    assertThat(up.await(10, TimeUnit.SECONDS)).isTrue();
    fake = new FakeProvider();
  }

  @AfterEach
  void stop() throws Exception {
    attacker.close();
    fake.close();
  }

  @Test
  void withAclsTheFakeInstanceCannotBeWritten() throws Exception {
    Path digest = Files.writeString(dir.resolve("zk-digest"), "fleet:fleet-secret-123");
    provider("registrydigest=" + digest + ",registryacl=true");

    assertThatThrownBy(() -> writeFake(false)).isInstanceOf(KeeperException.NoAuthException.class);

    Jvm consumer = consumer("");
    assertEveryCallAnsweredByTheProvider(consumer);
    assertThat(fake.connections()).isZero();
  }

  @Test
  void withTlsAndAnOpenRegistryNoArgumentReachesTheFakeProvider() throws Exception {
    TestPki ca = TestPki.authority(dir, "fleet");
    Issued cert = ca.issue("inventory");
    provider(
        "tls=on,tlscert="
            + cert.certificate()
            + ",tlskey="
            + cert.key()
            + ",tlsca="
            + ca.authorityFile());
    writeFake(true); // it says it speaks TLS, so a TLS-only consumer does try it

    Issued client = ca.issue("checkout");
    Jvm consumer =
        consumer(
            ",tls=on,tlsca="
                + ca.authorityFile()
                + ",tlscert="
                + client.certificate()
                + ",tlskey="
                + client.key());
    assertEveryCallAnsweredByTheProvider(consumer);
    assertThat(fake.connections()).as("the consumer tried the fake provider").isPositive();
    assertThat(fake.received()).doesNotContain("secret-sku").doesNotContain("reserve");
  }

  private void provider(String options) throws IOException {
    Jvm provider =
        Jvm.builder("provider")
            .agentOptions("registry=" + zk.connectString() + "," + options)
            .jvmArg("-Dapp.name=provider-A")
            .appClasspath()
            .main("acme.shop.ProviderApp")
            .start(jvms);
    provider.awaitLine(l -> l.equals("READY provider-A"), Duration.ofSeconds(60));
    Poll.untilTrue("the provider is registered", this::registered, Duration.ofSeconds(30));
  }

  private Jvm consumer(String options) throws Exception {
    Jvm consumer =
        Jvm.builder("consumer")
            .agentOptions("registry=" + zk.connectString() + options)
            .appClasspath()
            .main("acme.shop.SecretsConsumerApp")
            .start(jvms);
    assertThat(consumer.awaitExit(Duration.ofSeconds(90))).as(consumer.output()).isZero();
    return consumer;
  }

  private static void assertEveryCallAnsweredByTheProvider(Jvm consumer) {
    assertThat(consumer.lines())
        .as(consumer.output())
        .contains("answered-by={provider-A=40}", "wrong=0", "failed=0", "DONE");
  }

  private boolean registered() {
    try {
      return !attacker.getChildren(SERVICE, false).isEmpty();
    } catch (KeeperException | InterruptedException e) {
      return false;
    }
  }

  /**
   * Writes a copy of the real provider's instance, as a stock client would, but pointing at the
   * fake provider, and saying it speaks TLS if {@code tls}.
   */
  private void writeFake(boolean tls) throws Exception {
    String real = attacker.getChildren(SERVICE, false).get(0);
    ObjectMapper json = new ObjectMapper();
    ObjectNode instance =
        (ObjectNode) json.readTree(attacker.getData(SERVICE + "/" + real, false, null));
    instance.put("id", "fake-instance");
    instance.put("address", "127.0.0.1");
    instance.put("port", fake.port());
    ObjectNode payload = (ObjectNode) instance.get("payload");
    if (tls) {
      payload.put("tls", "required");
    } else {
      payload.remove("tls");
    }
    attacker.create(
        SERVICE + "/fake-instance",
        json.writeValueAsBytes(instance),
        ZooDefs.Ids.OPEN_ACL_UNSAFE,
        CreateMode.EPHEMERAL);
  }

  /** Accepts connections and keeps what each sends for a moment, then closes it. */
  private static final class FakeProvider implements AutoCloseable {
    private final ServerSocket server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    FakeProvider() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      acceptor = new Thread(this::accept, "fake-provider");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    int connections() {
      return received.size();
    }

    String received() {
      return String.join("\n", received);
    }

    private void accept() {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          s.setSoTimeout(500);
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          InputStream in = s.getInputStream();
          byte[] buf = new byte[4096];
          try {
            for (int n; (n = in.read(buf)) > 0 && bytes.size() < 1 << 20; ) {
              bytes.write(buf, 0, n);
            }
          } catch (SocketTimeoutException e) {
            // it sent what it had: a TLS client waits for the server's hello now
          }
          received.add(bytes.toString(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
          // closed
        }
      }
    }

    @Override
    public void close() throws Exception {
      server.close();
      acceptor.join(5_000);
    }
  }
}
