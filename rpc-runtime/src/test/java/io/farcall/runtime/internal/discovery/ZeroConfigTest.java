package io.farcall.runtime.internal.discovery;

import static io.farcall.runtime.testing.Poll.untilTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.farcall.RpcException;
import io.farcall.runtime.testing.LogCapture;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With no registry configured, the first registry on the machine starts an embedded ZooKeeper and
 * the others join it. The tests use a free port in place of 2181.
 */
@Timeout(60)
class ZeroConfigTest {
  private static final RegistryConfig ZERO_CONFIG =
      RegistryConfig.defaults().withConnectTimeout(Duration.ofSeconds(15));

  private static Registry start(InetSocketAddress zeroConfigAddress) {
    return Registry.start(ZERO_CONFIG, zeroConfigAddress, Registry.DEFAULT_VERIFY_INTERVAL);
  }

  private static InetSocketAddress freeAddress() throws IOException {
    return new InetSocketAddress(InetAddress.getByName("127.0.0.1"), ZooKeeperExtension.freePort());
  }

  @Test
  void zeroConfigMeansZooKeeperOnLoopbackPort2181() {
    assertThat(RegistryConfig.defaults().isZeroConfig()).isTrue();
    assertThat(RegistryConfig.of("  ").isZeroConfig()).isTrue();
    assertThat(Registry.ZERO_CONFIG_ADDRESS.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(Registry.ZERO_CONFIG_ADDRESS.getPort()).isEqualTo(2181);
  }

  @Test
  void theFirstRegistryStartsAnEmbeddedZooKeeperTheNextJoinsItAndClosingTheOwnerStopsIt()
      throws Exception {
    InetSocketAddress address = freeAddress();
    String expected = "127.0.0.1:" + address.getPort();
    assertThat(EmbeddedZooKeeper.answers(address, Duration.ofMillis(200))).isFalse();

    Registry owner;
    try (LogCapture log = LogCapture.of(Registry.class)) {
      owner = start(address);
      assertThat(log.messages(Level.INFO))
          .containsExactly(
              "No ZooKeeper at "
                  + expected
                  + "; started an embedded one there for this machine's Farcall JVMs");
    }
    try (Registry provider = start(address);
        Registry consumer = start(address)) {
      assertThat(owner.ownsEmbeddedZooKeeper()).isTrue();
      assertThat(owner.connectString()).isEqualTo(expected);
      assertThat(provider.ownsEmbeddedZooKeeper()).isFalse();
      assertThat(consumer.connectString()).isEqualTo(expected);
      Registration registration = provider.register("svc", "127.0.0.1", 7001, Map.of());
      ServiceDirectory directory = consumer.directory("svc");
      assertThat(directory.endpoints()).containsExactly(registration.endpoint());

      owner.close();

      assertThat(EmbeddedZooKeeper.answers(address, Duration.ofMillis(200)))
          .as("embedded ZooKeeper still answering")
          .isFalse();
      // The consumer lost its ZooKeeper, but not the providers it knew.
      assertThat(directory.endpoints()).containsExactly(registration.endpoint());
    }
  }

  @Test
  void registriesStartingTogetherShareOneEmbeddedZooKeeper() throws Exception {
    InetSocketAddress address = freeAddress();
    ExecutorService starters = Executors.newFixedThreadPool(3);
    List<Registry> registries = new ArrayList<>();
    try {
      List<Future<Registry>> started = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        started.add(starters.submit(() -> start(address)));
      }
      for (Future<Registry> future : started) {
        registries.add(future.get());
      }

      assertThat(registries).filteredOn(Registry::ownsEmbeddedZooKeeper).hasSize(1);
      Registration registration = registries.get(0).register("svc", "127.0.0.1", 7001, Map.of());
      for (Registry registry : registries) {
        ServiceDirectory directory = registry.directory("svc");
        untilTrue(
            "the provider seen by every registry",
            () -> directory.endpoints().size() == 1,
            Duration.ofSeconds(10));
        assertThat(directory.endpoints()).containsExactly(registration.endpoint());
      }
    } finally {
      starters.shutdownNow();
      // The owner last, so that the others can deregister cleanly.
      registries.sort(
          (a, b) -> Boolean.compare(a.ownsEmbeddedZooKeeper(), b.ownsEmbeddedZooKeeper()));
      registries.forEach(Registry::close);
    }
  }

  @Test
  void somethingElseListeningOnThePortIsJoinedNotReplacedAndFailsTheStartClearly()
      throws Exception {
    try (ServerSocket notZooKeeper = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      InetSocketAddress address = (InetSocketAddress) notZooKeeper.getLocalSocketAddress();
      RegistryConfig quick = RegistryConfig.defaults().withConnectTimeout(Duration.ofSeconds(1));

      assertThat(EmbeddedZooKeeper.tryStart(address, Duration.ofSeconds(5)))
          .as("an embedded server on a taken port")
          .isNull();
      assertThatThrownBy(() -> Registry.start(quick, address, Registry.DEFAULT_VERIFY_INTERVAL))
          .isInstanceOf(RpcException.class)
          .hasMessageContaining("127.0.0.1:" + address.getPort());
    }
  }
}
