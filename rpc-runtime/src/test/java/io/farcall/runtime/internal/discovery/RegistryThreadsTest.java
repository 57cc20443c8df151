package io.farcall.runtime.internal.discovery;

import static io.farcall.runtime.testing.Poll.untilTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.farcall.RpcException;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Closing a registry ends every thread it started, Curator's and ZooKeeper's included. */
@Timeout(60)
class RegistryThreadsTest {

  @Test
  void noThreadOfARegistryOrOfItsEmbeddedZooKeeperSurvivesClose() throws Exception {
    InetSocketAddress address =
        new InetSocketAddress(InetAddress.getByName("127.0.0.1"), ZooKeeperExtension.freePort());
    RegistryConfig zeroConfig =
        RegistryConfig.defaults().withConnectTimeout(Duration.ofSeconds(15));
    Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());

    try (Registry owner = Registry.start(zeroConfig, address, Duration.ofMillis(100));
        Registry joiner = Registry.start(zeroConfig, address, Duration.ofMillis(100))) {
      assertThat(owner.ownsEmbeddedZooKeeper()).isTrue();
      owner.register("svc", "127.0.0.1", 7001, Map.of());
      ServiceDirectory directory = joiner.directory("svc");
      directory.addListener(() -> {});
      assertThat(directory.endpoints()).hasSize(1);
      assertThat(joiner.listAll()).containsOnlyKeys("svc");
      assertThat(newThreads(before)).as("threads while running").isNotEmpty();
    }

    untilTrue("every new thread ended", () -> newThreads(before).isEmpty(), Duration.ofSeconds(5));
  }

  @Test
  void aFailedStartLeavesNoThreadBehind() throws Exception {
    String nowhere = "127.0.0.1:" + ZooKeeperExtension.freePort();
    Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());

    assertThatThrownBy(
            () ->
                Registry.connect(
                    RegistryConfig.of(nowhere).withConnectTimeout(Duration.ofSeconds(1))))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining(nowhere);

    untilTrue("every new thread ended", () -> newThreads(before).isEmpty(), Duration.ofSeconds(5));
  }

  @Test
  void aRegistryStartedWithoutZooKeeperLeavesNoThreadBehindWhenClosed(@TempDir Path cache)
      throws Exception {
    String nowhere = "127.0.0.1:" + ZooKeeperExtension.freePort();
    Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());

    try (Registry registry =
        Registry.start(
            RegistryConfig.of(nowhere)
                .withConnectTimeout(Duration.ofSeconds(1))
                .withCacheDirectory(cache),
            Registry.ZERO_CONFIG_ADDRESS,
            Duration.ofMillis(100))) {
      registry.register("svc", "127.0.0.1", 7001, Map.of());
      registry.directory("svc").addListener(() -> {});
      registry.directory("other");
      assertThat(newThreads(before)).as("threads while running").isNotEmpty();
    }

    untilTrue("every new thread ended", () -> newThreads(before).isEmpty(), Duration.ofSeconds(5));
  }

  private static List<String> newThreads(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(thread -> !before.contains(thread))
        .map(Thread::getName)
        .sorted()
        .toList();
  }
}
