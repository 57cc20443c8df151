package io.farcall.runtime.internal.discovery;

import static io.farcall.runtime.testing.Poll.untilTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.farcall.runtime.testing.ZooKeeperExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A registry with ZooKeeper digest authentication and ACLs, against a real ZooKeeper, as a stock
 * ZooKeeper client without credentials (anyone on the network) sees it.
 */
@Timeout(60)
class RegistryAclTest {
  @RegisterExtension final ZooKeeperExtension zooKeeper = ZooKeeperExtension.perTest();

  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(2);
  private static final String PROVIDERS = "fleet:s3cret-fleet";

  private Registry provider;
  private Registry consumer;
  private ZooKeeper stranger;

  @BeforeEach
  void start() throws Exception {
    stranger = connected(null);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {consumer, provider, stranger}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private RegistryConfig config(RegistrySecurity security) {
    return RegistryConfig.of(zooKeeper.connectString())
        .withSessionTimeout(SESSION_TIMEOUT)
        .withConnectTimeout(Duration.ofSeconds(5))
        .withSecurity(security);
  }

  /** A stock ZooKeeper client, authenticated as {@code digest} if given. */
  private ZooKeeper connected(String digest) throws Exception {
    CountDownLatch up = new CountDownLatch(1);
    Watcher w =
        e -> {
          if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
            up.countDown();
          }
        };
    ZooKeeper zk = new ZooKeeper(zooKeeper.connectString(), 10_000, w);
    assertThat(up.await(10, TimeUnit.SECONDS)).isTrue();
    if (digest != null) {
      zk.addAuthInfo("digest", digest.getBytes(StandardCharsets.UTF_8));
    }
    return zk;
  }

  private static final byte[] FAKE =
      "{\"name\":\"svc\",\"id\":\"fake\",\"address\":\"127.0.0.1\",\"port\":6666}"
          .getBytes(StandardCharsets.UTF_8);

  @Test
  void withAclsAStrangerCannotCreateChangeOrDeleteAnInstanceButAnyoneReadsThem() throws Exception {
    provider = Registry.start(config(new RegistrySecurity(PROVIDERS, true)));
    consumer = Registry.start(config(RegistrySecurity.NONE));
    Registration registration = provider.register("svc", "127.0.0.1", 7001, Map.of());
    String instance = "/farcall/svc/" + registration.endpoint().id();
    ServiceDirectory directory = consumer.directory("svc");
    untilTrue(
        "a consumer without credentials reads the instance",
        () -> directory.endpoints().equals(List.of(registration.endpoint())),
        Duration.ofSeconds(10));

    assertThatThrownBy(
            () ->
                stranger.create(
                    "/farcall/svc/fake", FAKE, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL))
        .isInstanceOf(KeeperException.NoAuthException.class);
    assertThatThrownBy(
            () ->
                stranger.create(
                    "/farcall/other", FAKE, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))
        .isInstanceOf(KeeperException.NoAuthException.class);
    assertThatThrownBy(() -> stranger.setData(instance, FAKE, -1))
        .isInstanceOf(KeeperException.NoAuthException.class);
    assertThatThrownBy(() -> stranger.delete(instance, -1))
        .isInstanceOf(KeeperException.NoAuthException.class);
    assertThatThrownBy(() -> stranger.setACL(instance, ZooDefs.Ids.OPEN_ACL_UNSAFE, -1))
        .isInstanceOf(KeeperException.NoAuthException.class);
    assertThat(stranger.getData(instance, false, null)).isNotEmpty();

    String fleet = DigestAuthenticationProvider.generateDigest(PROVIDERS);
    try (ZooKeeper admin = connected(PROVIDERS)) { // ZooKeeper shows a digest to its owner only
      for (String path : List.of("/farcall", "/farcall/svc", instance)) {
        assertThat(admin.getACL(path, new Stat()))
            .as("ACL of %s", path)
            .containsExactlyInAnyOrder(
                new ACL(ZooDefs.Perms.ALL, new org.apache.zookeeper.data.Id("digest", fleet)),
                new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
      }
    }
  }

  @Test
  void aProviderWithCredentialsRegistersAgainAfterSessionExpiryAndDeregisters() throws Exception {
    provider = Registry.start(config(new RegistrySecurity(PROVIDERS, true)));
    Registration registration = provider.register("svc", "127.0.0.1", 7001, Map.of());
    String instance = "/farcall/svc/" + registration.endpoint().id();
    long before = provider.curator().getZookeeperClient().getZooKeeper().getSessionId();

    Sessions.expireOnServer(
        zooKeeper.connectString(),
        SESSION_TIMEOUT,
        provider.curator().getZookeeperClient().getZooKeeper());

    untilTrue(
        "registered again by a new, authenticated session",
        () -> {
          Stat s = exists(instance);
          return s != null && s.getEphemeralOwner() != before && s.getEphemeralOwner() != 0;
        },
        Duration.ofSeconds(20));
    assertThatThrownBy(() -> stranger.delete(instance, -1))
        .isInstanceOf(KeeperException.NoAuthException.class);

    registration.close();
    untilTrue("deregistered", () -> exists(instance) == null, Duration.ofSeconds(10));
  }

  @Test
  void nodesLeftOpenFromBeforeAreClosedBeforeAProviderRegistersUnderThem() throws Exception {
    stranger.create("/farcall", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    stranger.create(
        "/farcall/svc", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

    provider = Registry.start(config(new RegistrySecurity(PROVIDERS, true)));
    provider.register("svc", "127.0.0.1", 7001, Map.of());

    assertThatThrownBy(
            () ->
                stranger.create(
                    "/farcall/svc/fake", FAKE, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL))
        .isInstanceOf(KeeperException.NoAuthException.class);
  }

  @Test
  void aProviderWithAclsButNoCredentialsIsToldWhatIsMissing() {
    provider = Registry.start(config(new RegistrySecurity(null, true)));

    assertThatThrownBy(() -> provider.register("svc", "127.0.0.1", 7001, Map.of()))
        .hasMessageContaining("registryacl=true")
        .hasMessageContaining("no ZooKeeper credentials");
  }

  @Test
  void withoutAclsAnyoneMayWriteAsBefore() throws Exception {
    provider = Registry.start(config(RegistrySecurity.NONE));
    provider.register("svc", "127.0.0.1", 7001, Map.of());

    stranger.create("/farcall/svc/fake", FAKE, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
    assertThat(exists("/farcall/svc/fake")).isNotNull();
  }

  private Stat exists(String path) {
    try {
      return stranger.exists(path, false);
    } catch (Exception e) {
      return null;
    }
  }
}
