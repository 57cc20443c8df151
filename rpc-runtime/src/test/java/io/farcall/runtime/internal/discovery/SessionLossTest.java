package io.farcall.runtime.internal.discovery;

import static io.farcall.runtime.testing.Poll.untilTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.runtime.testing.ZooKeeperExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Losing the ZooKeeper session, or ZooKeeper itself for a while, loses no live provider. */
@Timeout(60)
class SessionLossTest {
  @RegisterExtension final ZooKeeperExtension zooKeeper = ZooKeeperExtension.perTest();

  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(2);

  private Registry provider;
  private Registry consumer;
  private CuratorFramework observer;

  @BeforeEach
  void start() {
    observer = CuratorFrameworkFactory.newClient(zooKeeper.connectString(), new RetryOneTime(100));
    observer.start();
  }

  @AfterEach
  void close() {
    for (AutoCloseable closeable : new AutoCloseable[] {consumer, provider, observer}) {
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
        .withSessionTimeout(SESSION_TIMEOUT)
        .withConnectTimeout(Duration.ofSeconds(5));
  }

  @Test
  void aProviderIsRegisteredAgainAfterZooKeeperExpiresItsSession() throws Exception {
    provider = Registry.start(config());
    consumer = Registry.start(config());
    Registration registration = provider.register("svc", "127.0.0.1", 7001, Map.of());
    String path = "/farcall/svc/" + registration.endpoint().id();
    ServiceDirectory directory = consumer.directory("svc");
    assertThat(directory.endpoints()).containsExactly(registration.endpoint());
    long oldSession = provider.curator().getZookeeperClient().getZooKeeper().getSessionId();

    Sessions.expireOnServer(
        zooKeeper.connectString(),
        SESSION_TIMEOUT,
        provider.curator().getZookeeperClient().getZooKeeper());

    untilTrue(
        "the instance registered again by a new session",
        () -> ownerOf(path) != 0 && ownerOf(path) != oldSession && ownerOf(path) == session(),
        Duration.ofSeconds(20));
    untilTrue(
        "the instance in the consumer's directory",
        () -> directory.endpoints().equals(java.util.List.of(registration.endpoint())),
        Duration.ofSeconds(10));
  }

  @Test
  void theConsumerKeepsItsEndpointsWhileZooKeeperIsDownAndTheProviderReturnsAfterARestart()
      throws Exception {
    provider = Registry.start(config());
    consumer = Registry.start(config());
    Registration registration = provider.register("svc", "127.0.0.1", 7001, Map.of());
    ServiceDirectory directory = consumer.directory("svc");
    assertThat(directory.endpoints()).containsExactly(registration.endpoint());
    CountDownLatch consumerLost = new CountDownLatch(1);
    consumer
        .curator()
        .getConnectionStateListenable()
        .addListener(
            (client, state) -> {
              if (state == ConnectionState.LOST) {
                consumerLost.countDown();
              }
            });

    zooKeeper.stop();

    // LOST comes once the session timeout has passed without ZooKeeper: the worst case.
    assertThat(consumerLost.await(20, TimeUnit.SECONDS)).as("consumer session lost").isTrue();
    assertThat(directory.endpoints()).containsExactly(registration.endpoint());

    zooKeeper.restart();

    String path = "/farcall/svc/" + registration.endpoint().id();
    untilTrue(
        "the instance owned by the provider's live session",
        () -> ownerOf(path) != 0 && ownerOf(path) == session(),
        Duration.ofSeconds(20));
    untilTrue(
        "the instance in the consumer's directory",
        () -> directory.endpoints().equals(java.util.List.of(registration.endpoint())),
        Duration.ofSeconds(10));
  }

  @Test
  void anInstanceDeletedBehindTheProvidersBackIsRegisteredAgainByThePeriodicCheck()
      throws Exception {
    provider = Registry.start(config(), Registry.ZERO_CONFIG_ADDRESS, Duration.ofMillis(200));
    Registration registration = provider.register("svc", "127.0.0.1", 7001, Map.of());
    String path = "/farcall/svc/" + registration.endpoint().id();
    assertThat(ownerOf(path)).isEqualTo(session());

    observer.delete().forPath(path);

    untilTrue(
        "the instance registered again", () -> ownerOf(path) == session(), Duration.ofSeconds(10));
  }

  private long session() {
    try {
      return provider.curator().getZookeeperClient().getZooKeeper().getSessionId();
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
}
