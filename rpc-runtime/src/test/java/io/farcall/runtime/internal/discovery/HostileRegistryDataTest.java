package io.farcall.runtime.internal.discovery;

import static io.farcall.runtime.testing.Poll.untilTrue;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.runtime.testing.ZooKeeperExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Anyone who can write under the base path controls what every reader parses. Reading it must not
 * load, let alone instantiate, a class that the data names.
 */
@Timeout(60)
class HostileRegistryDataTest {
  @RegisterExtension final ZooKeeperExtension zooKeeper = ZooKeeperExtension.perTest();

  private static final String GADGET = "io.farcall.runtime.internal.discovery.HostilePayload";

  /** Curator's standard instance JSON, with a payload whose type id names the gadget. */
  private static final String HOSTILE_INSTANCE =
      """
      {"name":"svc","id":"hostile","address":"127.0.0.1","port":7001,"sslPort":null,
       "payload":{"@class":"%s","command":"touch /tmp/owned"},
       "registrationTimeUTC":1700000000000,"serviceType":"DYNAMIC","uriSpec":null}
      """
          .formatted(GADGET);

  /** The same with the type id in Jackson's array form, and one at the top level. */
  private static final String HOSTILE_WRAPPED =
      """
      {"@class":"%1$s","name":"svc","id":"wrapped","address":"127.0.0.1","port":7002,
       "payload":["%1$s",{"command":"touch /tmp/owned"}],
       "registrationTimeUTC":1700000000000,"serviceType":"DYNAMIC"}
      """
          .formatted(GADGET);

  @Test
  void hostileInstanceDataIsReadWithoutLoadingTheClassItNames() throws Exception {
    try (Registry registry =
            Registry.start(
                RegistryConfig.of(zooKeeper.connectString())
                    .withConnectTimeout(Duration.ofSeconds(5)));
        CuratorFramework writer =
            CuratorFrameworkFactory.newClient(zooKeeper.connectString(), new RetryOneTime(100))) {
      writer.start();
      ServiceDirectory watching = registry.directory("svc");

      byte[] hostile = HOSTILE_INSTANCE.getBytes(UTF_8);
      writer.create().creatingParentsIfNeeded().forPath("/farcall/svc/hostile", hostile);
      writer.create().forPath("/farcall/svc/wrapped", HOSTILE_WRAPPED.getBytes(UTF_8));
      writer.create().forPath("/farcall/svc/garbage", "not json {".getBytes(UTF_8));
      writer
          .create()
          .forPath("/farcall/svc/no-port", "{\"name\":\"svc\",\"id\":\"x\"}".getBytes(UTF_8));

      // Read through the watch, through a fresh directory's initial load, and through listAll.
      untilTrue(
          "the hostile instances seen by the watch",
          () -> watching.endpoints().size() == 2,
          Duration.ofSeconds(10));
      List<Endpoint> endpoints = watching.endpoints();
      assertThat(endpoints).extracting(Endpoint::id).containsExactly("hostile", "wrapped");
      assertThat(endpoints).extracting(Endpoint::port).containsExactly(7001, 7002);
      assertThat(registry.listAll()).containsEntry("svc", endpoints);
      try (Registry another =
          Registry.start(
              RegistryConfig.of(zooKeeper.connectString())
                  .withConnectTimeout(Duration.ofSeconds(5)))) {
        assertThat(another.directory("svc").endpoints()).isEqualTo(endpoints);
      }
      assertThat(HostileFlags.LOADED).as("gadget class loaded").isFalse();
      assertThat(HostileFlags.CONSTRUCTED).as("gadget instantiated").isFalse();

      // The control: Curator's stock serializer, given the same bytes, does instantiate it.
      new JsonInstanceSerializer<>(Object.class).deserialize(hostile);
      assertThat(HostileFlags.CONSTRUCTED).as("gadget instantiated by the stock reader").isTrue();
    }
  }

  @Test
  void ourOwnPayloadKeepsItsStringsAndDropsTheTypeId() throws Exception {
    SafeJsonInstanceSerializer serializer = new SafeJsonInstanceSerializer();
    var read = serializer.deserialize(HOSTILE_INSTANCE.getBytes(UTF_8));

    assertThat(read.getPayload()).isEqualTo(Map.of("command", "touch /tmp/owned"));
    assertThat(SafeJsonInstanceSerializer.isUsable(read)).isTrue();
    assertThat(SafeJsonInstanceSerializer.isUsable(serializer.deserialize(new byte[] {1, 2})))
        .isFalse();
  }
}
