package io.farcall.runtime.internal.discovery;

import static io.farcall.runtime.testing.Poll.untilTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.farcall.RpcException;
import io.farcall.runtime.internal.discovery.CachedDirectory.Source;
import io.farcall.runtime.testing.LogCapture;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.logging.log4j.Level;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry with a configured ZooKeeper starts while that ZooKeeper is down, registers once it
 * answers, and meanwhile serves the providers it saved on disk the last time it saw them.
 */
@Timeout(60)
class OfflineStartTest {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  /** What a start may take beyond its connect timeout, on a slow machine. */
  private static final Duration SLACK = Duration.ofSeconds(3);

  @RegisterExtension final ZooKeeperExtension zooKeeper = ZooKeeperExtension.perTest();
  @TempDir Path cacheDirectory;

  private Registry provider;
  private Registry consumer;
  private CuratorFramework observer;

  @AfterEach
  void close() {
    for (AutoCloseable closeable : new AutoCloseable[] {observer, consumer, provider}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
  }

  private RegistryConfig config() {
    return RegistryConfig.of(zooKeeper.connectString())
        .withConnectTimeout(CONNECT_TIMEOUT)
        .withSessionTimeout(Duration.ofSeconds(2))
        .withCacheDirectory(cacheDirectory);
  }

  private DiskCache disk() {
    return DiskCache.open(zooKeeper.connectString(), "/farcall", cacheDirectory);
  }

  @Test
  void aRegistryStartedWhileZooKeeperIsDownStartsInItsConnectTimeoutAndSaysSoInOneLine()
      throws Exception {
    zooKeeper.stop();

    try (LogCapture log = LogCapture.of(Registry.class)) {
      long start = System.nanoTime();
      consumer = Registry.start(config());
      ServiceDirectory a = consumer.directory("a");
      ServiceDirectory b = consumer.directory("b");
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(took).isLessThan(CONNECT_TIMEOUT.plus(SLACK));
      assertThat(log.messages(Level.WARN))
          .singleElement()
          .asString()
          .startsWith("ZooKeeper at " + zooKeeper.connectString() + " unreachable")
          .contains("retrying in the background")
          .contains("no providers saved in " + disk().directory());
      assertThat(log.messages(Level.INFO)).isEmpty();
      assertThat(log.messages(Level.ERROR)).isEmpty();
    }
    assertThat(consumer.connected()).isFalse();
    for (ServiceDirectory directory : List.of(consumer.directory("a"), consumer.directory("b"))) {
      assertThat(directory.endpoints()).isEmpty();
      assertThat(source(directory)).isEqualTo(Source.NONE);
      assertThat(live(directory)).isFalse();
    }
  }

  @Test
  void directoriesCreatedWhileZooKeeperIsDownReturnAtOnce() throws Exception {
    zooKeeper.stop();
    consumer = Registry.start(config());

    long start = System.nanoTime();
    for (int i = 0; i < 5; i++) {
      consumer.directory("svc" + i);
    }

    // Not one connect timeout per service, nor even one in all: start() already waited.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CONNECT_TIMEOUT);
  }

  @Test
  void aRegistrationMadeBeforeZooKeeperEverAnsweredIsWrittenOnceItStarts() throws Exception {
    zooKeeper.stop();
    provider = Registry.start(config());
    assertThat(provider.connected()).isFalse();

    long start = System.nanoTime();
    Registration registration = provider.register("svc", "127.0.0.1", 7001, Map.of());
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("register while ZooKeeper is down")
        .isLessThan(Duration.ofMillis(500));
    // Its own registry knows it at once, ZooKeeper or not.
    assertThat(provider.directory("svc").endpoints()).containsExactly(registration.endpoint());

    zooKeeper.restart();

    observer = CuratorFrameworkFactory.newClient(zooKeeper.connectString(), new RetryOneTime(100));
    observer.start();
    String path = "/farcall/svc/" + registration.endpoint().id();
    untilTrue(
        "the instance written by the provider's session",
        () -> ownerOf(path) != 0 && ownerOf(path) == sessionOf(provider),
        Duration.ofSeconds(20));
    consumer = Registry.start(config());
    assertThat(consumer.directory("svc").endpoints()).containsExactly(registration.endpoint());
    assertThat(live(consumer.directory("svc"))).isTrue();
  }

  @Test
  void aConsumerStartedWhileZooKeeperIsDownUsesTheProvidersItLastSawOnDiskAndSaysSoInOneLine()
      throws Exception {
    provider = Registry.start(config());
    Registration inventory = provider.register("acme.Inventory", "127.0.0.1", 7001, Map.of());
    Registration pricing = provider.register("acme.Pricing", "127.0.0.1", 7002, Map.of());
    try (Registry earlier = Registry.start(config())) {
      assertThat(earlier.directory("acme.Inventory").endpoints())
          .containsExactly(inventory.endpoint());
      assertThat(earlier.directory("acme.Pricing").endpoints()).containsExactly(pricing.endpoint());
    }
    zooKeeper.stop();

    try (LogCapture log = LogCapture.of(Registry.class)) {
      long start = System.nanoTime();
      consumer = Registry.start(config());
      ServiceDirectory inventories = consumer.directory("acme.Inventory");
      ServiceDirectory prices = consumer.directory("acme.Pricing");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isLessThan(CONNECT_TIMEOUT.plus(SLACK));

      assertThat(inventories.endpoints()).containsExactly(inventory.endpoint());
      assertThat(source(inventories)).isEqualTo(Source.DISK_CACHE);
      assertThat(prices.endpoints()).containsExactly(pricing.endpoint());
      assertThat(source(prices)).isEqualTo(Source.DISK_CACHE);
      assertThat(log.messages(Level.WARN))
          .singleElement()
          .asString()
          .startsWith("ZooKeeper at " + zooKeeper.connectString() + " unreachable")
          .contains("saved in " + disk().directory())
          .containsPattern(
              "for: acme\\.Inventory \\(1 provider, seen \\d{4}-\\d\\d-\\d\\dT[\\d:]+Z\\),"
                  + " acme\\.Pricing \\(1 provider, seen [^)]+\\)$");
      assertThat(log.messages(Level.INFO)).isEmpty();
    }
  }

  @Test
  void aDirectoryCreatedAfterZooKeeperWentAwayUsesTheSavedProvidersAtOnceAndSaysSoOnce()
      throws Exception {
    provider = Registry.start(config());
    Registration registration = provider.register("svc", "127.0.0.1", 7001, Map.of());
    try (Registry earlier = Registry.start(config())) {
      assertThat(earlier.directory("svc").endpoints()).containsExactly(registration.endpoint());
    }
    consumer = Registry.start(config());
    assertThat(consumer.connected()).isTrue();

    zooKeeper.stop();
    untilTrue("the consumer disconnected", () -> !consumer.connected(), Duration.ofSeconds(10));

    try (LogCapture log = LogCapture.of(Registry.class)) {
      long start = System.nanoTime();
      ServiceDirectory directory = consumer.directory("svc");
      ServiceDirectory other = consumer.directory("other");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CONNECT_TIMEOUT);

      assertThat(directory.endpoints()).containsExactly(registration.endpoint());
      assertThat(source(directory)).isEqualTo(Source.DISK_CACHE);
      assertThat(source(other)).isEqualTo(Source.NONE);
      assertThat(log.messages(Level.WARN))
          .singleElement()
          .asString()
          .startsWith("ZooKeeper at " + zooKeeper.connectString() + " did not answer in time;")
          .contains("using the providers of svc last seen on ")
          .endsWith(" from " + disk().file("svc") + " until it does");
    }
  }

  @Test
  void theLiveListReplacesTheSavedOneWhenZooKeeperAnswers() throws Exception {
    provider = Registry.start(config());
    Registration gone = provider.register("svc", "127.0.0.1", 7001, Map.of());
    try (Registry earlier = Registry.start(config())) {
      assertThat(earlier.directory("svc").endpoints()).containsExactly(gone.endpoint());
    }
    gone.close();
    Registration current = provider.register("svc", "127.0.0.1", 7002, Map.of());
    zooKeeper.stop();
    consumer = Registry.start(config());
    ServiceDirectory directory = consumer.directory("svc");
    assertThat(directory.endpoints()).containsExactly(gone.endpoint());
    assertThat(source(directory)).isEqualTo(Source.DISK_CACHE);
    AtomicInteger changes = new AtomicInteger();
    directory.addListener(changes::incrementAndGet);

    zooKeeper.restart();

    untilTrue(
        "the directory serving ZooKeeper's list",
        () -> live(directory) && directory.endpoints().equals(List.of(current.endpoint())),
        Duration.ofSeconds(20));
    untilTrue("the listener told", () -> changes.get() >= 1, Duration.ofSeconds(10));
    untilTrue(
        "ZooKeeper's list saved",
        () ->
            disk()
                .read("svc")
                .map(s -> s.endpoints().equals(List.of(current.endpoint())))
                .orElse(false),
        Duration.ofSeconds(10));
  }

  @Test
  void aServiceWhoseProvidersAllWentAwayIsRememberedWithNone() throws Exception {
    provider = Registry.start(config());
    Registration registration = provider.register("svc", "127.0.0.1", 7001, Map.of());
    try (Registry earlier = Registry.start(config())) {
      ServiceDirectory directory = earlier.directory("svc");
      assertThat(directory.endpoints()).containsExactly(registration.endpoint());
      registration.close();
      untilTrue("the provider gone", () -> directory.endpoints().isEmpty(), Duration.ofSeconds(10));
    }
    zooKeeper.stop();

    consumer = Registry.start(config());
    ServiceDirectory directory = consumer.directory("svc");

    assertThat(directory.endpoints()).isEmpty();
    assertThat(source(directory)).isEqualTo(Source.DISK_CACHE);
  }

  @Test
  void aRegistrysOwnInstancesAreNotSavedForTheNextRun() throws Exception {
    provider = Registry.start(config());
    Registration own = provider.register("svc", "127.0.0.1", 7001, Map.of());
    ServiceDirectory directory = provider.directory("svc");
    assertThat(directory.endpoints()).containsExactly(own.endpoint());
    assertThat(live(directory)).isTrue();

    // This JVM's instances end with it: a next run must not call them.
    assertThat(disk().read("svc").get().endpoints()).isEmpty();
    provider.close();
    assertThat(disk().read("svc").get().endpoints()).isEmpty();
  }

  @Test
  void aCorruptSavedFileIsIgnoredWithOneWarning() throws Exception {
    Path file = disk().file("svc");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"format\":1,\"providers\":[{\"host\":");
    zooKeeper.stop();

    try (LogCapture log = LogCapture.of(DiskCache.class)) {
      consumer = Registry.start(config());
      ServiceDirectory directory = consumer.directory("svc");

      assertThat(directory.endpoints()).isEmpty();
      assertThat(source(directory)).isEqualTo(Source.NONE);
      assertThat(log.messages(Level.WARN))
          .singleElement()
          .asString()
          .startsWith("Ignoring the saved providers in " + file);
    }

    zooKeeper.restart();
    untilTrue("the directory live", () -> live(consumer.directory("svc")), Duration.ofSeconds(20));
    untilTrue(
        "ZooKeeper's list saved over the corrupt file",
        () -> disk().read("svc").isPresent(),
        Duration.ofSeconds(10));
  }

  @Test
  void connectStillFailsWhenZooKeeperDoesNotAnswer() throws Exception {
    zooKeeper.stop();

    assertThatThrownBy(() -> Registry.connect(config()))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining(zooKeeper.connectString());
  }

  @Test
  void aConnectStringThatDoesNotParseFailsClearly() {
    for (String bad : List.of("zk1:notaport", "zk1:99999", ",", "zk1:2181/bad//chroot", "a b:1")) {
      assertThatThrownBy(() -> RegistryConfig.of(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("Not a ZooKeeper connect string")
          .hasMessageContaining("'" + bad + "'");
    }
    assertThat(RegistryConfig.of("zk1:2181,zk2:2182/app").connectString())
        .isEqualTo("zk1:2181,zk2:2182/app");
    assertThat(RegistryConfig.of("[::1]:2181").connectString()).isEqualTo("[::1]:2181");
  }

  private static long sessionOf(Registry registry) {
    try {
      return registry.curator().getZookeeperClient().getZooKeeper().getSessionId();
    } catch (Exception e) {
      return -1;
    }
  }

  /** The session owning the ephemeral node at {@code path}, 0 if there is none. */
  private long ownerOf(String path) {
    try {
      Stat stat = observer.checkExists().forPath(path);
      return stat == null ? 0 : stat.getEphemeralOwner();
    } catch (Exception e) {
      return 0;
    }
  }

  private static Source source(ServiceDirectory directory) {
    return ((CachedDirectory) directory).source();
  }

  private static boolean live(ServiceDirectory directory) {
    return ((CachedDirectory) directory).live();
  }
}
