package io.farcall.runtime.internal.discovery;

import static io.farcall.runtime.testing.Poll.untilTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.runtime.testing.ZooKeeperExtension;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Farcall's registrations are plain Curator service discovery data, readable both ways. */
@Timeout(60)
@SuppressWarnings({"rawtypes", "unchecked"}) // Curator's builder takes a payload Class: Map.class
class StockCuratorClientTest {
  @RegisterExtension final ZooKeeperExtension zooKeeper = ZooKeeperExtension.perTest();

  private Registry registry;
  private CuratorFramework stockClient;
  private ServiceDiscovery<Map> stockDiscovery;

  @BeforeEach
  void start() throws Exception {
    registry =
        Registry.start(
            RegistryConfig.of(zooKeeper.connectString()).withConnectTimeout(Duration.ofSeconds(5)));
    stockClient =
        CuratorFrameworkFactory.newClient(zooKeeper.connectString(), new RetryOneTime(100));
    stockClient.start();
    stockDiscovery =
        ServiceDiscoveryBuilder.builder(Map.class)
            .client(stockClient)
            .basePath("/farcall")
            .serializer(new JsonInstanceSerializer<>(Map.class))
            .build();
    stockDiscovery.start();
  }

  @AfterEach
  void close() throws Exception {
    stockDiscovery.close();
    stockClient.close();
    registry.close();
  }

  @Test
  void aStockCuratorClientListsOurInstances() throws Exception {
    Registration inventory =
        registry.register("acme.shop.Inventory", "127.0.0.1", 7001, Map.of("version", "2"));
    registry.register("acme.shop.Billing", "127.0.0.1", 7002, Map.of());

    assertThat(stockDiscovery.queryForNames())
        .containsExactlyInAnyOrder("acme.shop.Inventory", "acme.shop.Billing");
    Collection<ServiceInstance<Map>> instances =
        stockDiscovery.queryForInstances("acme.shop.Inventory");
    assertThat(instances).hasSize(1);
    ServiceInstance<Map> instance = instances.iterator().next();
    assertThat(instance.getName()).isEqualTo("acme.shop.Inventory");
    assertThat(instance.getId()).isEqualTo(inventory.endpoint().id());
    assertThat(instance.getAddress()).isEqualTo("127.0.0.1");
    assertThat(instance.getPort()).isEqualTo(7001);
    assertThat(instance.getRegistrationTimeUTC())
        .isEqualTo(inventory.endpoint().registeredAtMillis());
    assertThat(instance.getPayload()).isEqualTo(Map.of("version", "2"));
  }

  @Test
  void anInstanceRegisteredByAStockCuratorClientAppearsInOurDirectory() throws Exception {
    ServiceDirectory directory = registry.directory("acme.shop.Inventory");
    ServiceInstance<Map> instance =
        ServiceInstance.<Map>builder()
            .name("acme.shop.Inventory")
            .address("127.0.0.1")
            .port(7003)
            .payload(Map.of("zone", "a"))
            .build();

    stockDiscovery.registerService(instance);

    untilTrue(
        "the stock instance in our directory",
        () -> directory.endpoints().size() == 1,
        Duration.ofSeconds(10));
    Endpoint endpoint = directory.endpoints().get(0);
    assertThat(endpoint.id()).isEqualTo(instance.getId());
    assertThat(endpoint.host()).isEqualTo("127.0.0.1");
    assertThat(endpoint.port()).isEqualTo(7003);
  }
}
