package io.farcall.runtime.internal.discovery;

import static io.farcall.runtime.testing.Poll.untilTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.farcall.RpcException;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class RegistryTest {
  @RegisterExtension final ZooKeeperExtension zooKeeper = ZooKeeperExtension.perTest();

  private Registry provider;
  private Registry consumer;

  @AfterEach
  void closeRegistries() {
    if (consumer != null) {
      consumer.close();
    }
    if (provider != null) {
      provider.close();
    }
  }

  private RegistryConfig config() {
    return RegistryConfig.of(zooKeeper.connectString()).withConnectTimeout(Duration.ofSeconds(5));
  }

  @Test
  void aRegisteredProviderAppearsInAnotherRegistrysDirectory() throws Exception {
    provider = Registry.start(config());
    consumer = Registry.start(config());
    ServiceDirectory directory = consumer.directory("acme.shop.Inventory");
    assertThat(directory.service()).isEqualTo("acme.shop.Inventory");
    assertThat(directory.endpoints()).isEmpty();

    Registration registration =
        provider.register("acme.shop.Inventory", "127.0.0.1", 7001, Map.of("version", "1"));

    untilTrue(
        "the new provider in the directory",
        () -> directory.endpoints().size() == 1,
        Duration.ofSeconds(10));
    Endpoint endpoint = directory.endpoints().get(0);
    assertThat(endpoint).isEqualTo(registration.endpoint());
    assertThat(endpoint.host()).isEqualTo("127.0.0.1");
    assertThat(endpoint.port()).isEqualTo(7001);
    assertThat(endpoint.registeredAtMillis()).isPositive();
  }

  @Test
  void aRegistrysOwnRegistrationIsInItsDirectoryTheMomentRegisterReturns() throws Exception {
    provider = Registry.start(config());
    ServiceDirectory directory = provider.directory("acme.shop.Inventory");
    assertThat(directory.endpoints()).isEmpty();

    // No waiting for ZooKeeper's watch: this JVM knows its own provider is alive.
    Registration registration =
        provider.register("acme.shop.Inventory", "127.0.0.1", 7001, Map.of());
    assertThat(directory.endpoints()).containsExactly(registration.endpoint());

    registration.close();
    untilTrue(
        "the closed registration gone",
        () -> directory.endpoints().isEmpty(),
        Duration.ofSeconds(10));
  }

  @Test
  void aDirectoryCreatedAfterRegistrationLoadsTheProvidersBeforeItIsReturned() {
    provider = Registry.start(config());
    Registration first = provider.register("svc", "127.0.0.1", 7001, Map.of());
    Registration second = provider.register("svc", "127.0.0.1", 7002, Map.of());
    consumer = Registry.start(config());

    assertThat(consumer.directory("svc").endpoints())
        .containsExactlyInAnyOrder(first.endpoint(), second.endpoint());
  }

  @Test
  void closingARegistrationRemovesItFromTheDirectoryAndTellsListeners() throws Exception {
    provider = Registry.start(config());
    consumer = Registry.start(config());
    Registration staying = provider.register("svc", "127.0.0.1", 7001, Map.of());
    Registration leaving = provider.register("svc", "127.0.0.1", 7002, Map.of());
    ServiceDirectory directory = consumer.directory("svc");
    assertThat(directory.endpoints()).hasSize(2);
    AtomicInteger changes = new AtomicInteger();
    directory.addListener(changes::incrementAndGet);

    leaving.close();
    leaving.close(); // idempotent

    untilTrue(
        "the closed registration gone",
        () -> directory.endpoints().size() == 1,
        Duration.ofSeconds(10));
    assertThat(directory.endpoints()).containsExactly(staying.endpoint());
    untilTrue("the listener told", () -> changes.get() >= 1, Duration.ofSeconds(10));
  }

  @Test
  void closingTheProviderRegistryRemovesAllItsInstances() throws Exception {
    provider = Registry.start(config());
    consumer = Registry.start(config());
    provider.register("a", "127.0.0.1", 7001, Map.of());
    provider.register("b", "127.0.0.1", 7002, Map.of());
    ServiceDirectory a = consumer.directory("a");
    ServiceDirectory b = consumer.directory("b");
    assertThat(a.endpoints()).hasSize(1);
    assertThat(b.endpoints()).hasSize(1);

    provider.close();
    provider.close(); // idempotent

    untilTrue(
        "every instance gone",
        () -> a.endpoints().isEmpty() && b.endpoints().isEmpty(),
        Duration.ofSeconds(10));
  }

  @Test
  void theSameDirectoryIsReturnedForTheSameService() {
    consumer = Registry.start(config());
    assertThat(consumer.directory("svc")).isSameAs(consumer.directory("svc"));
  }

  @Test
  void listAllShowsEveryServiceWithItsInstances() {
    provider = Registry.start(config());
    consumer = Registry.start(config());
    assertThat(consumer.listAll()).isEmpty();
    Registration a1 = provider.register("a", "127.0.0.1", 7001, Map.of());
    Registration a2 = provider.register("a", "127.0.0.1", 7002, Map.of());
    Registration b = provider.register("b", "127.0.0.1", 7003, Map.of());

    Map<String, List<Endpoint>> all = consumer.listAll();

    assertThat(all.keySet()).containsExactly("a", "b");
    assertThat(all.get("a")).containsExactlyInAnyOrder(a1.endpoint(), a2.endpoint());
    assertThat(all.get("b")).containsExactly(b.endpoint());
  }

  @Test
  void aRegistryUnderAnotherBasePathSeesNothingOfThisOne() {
    provider = Registry.start(config());
    consumer = Registry.start(config().withBasePath("/elsewhere"));
    provider.register("svc", "127.0.0.1", 7001, Map.of());

    assertThat(consumer.listAll()).isEmpty();
    assertThat(consumer.directory("svc").endpoints()).isEmpty();
    // Watching a service creates its (container) node, so it is listed, with no instance.
    assertThat(consumer.listAll()).containsOnlyKeys("svc").containsEntry("svc", List.of());
  }

  @Test
  void connectFailsWithAnRpcExceptionNamingTheConnectStringWhenNothingAnswers() throws Exception {
    String nowhere = "127.0.0.1:" + ZooKeeperExtension.freePort();
    RegistryConfig config = RegistryConfig.of(nowhere).withConnectTimeout(Duration.ofMillis(1500));

    assertThatThrownBy(() -> Registry.connect(config))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining(nowhere);
  }

  @Test
  void aClosedRegistryRefusesNewWork() {
    provider = Registry.start(config());
    provider.close();

    assertThatThrownBy(() -> provider.register("svc", "127.0.0.1", 7001, Map.of()))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> provider.directory("svc")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void serviceNamesThatAreNotOneZNodeAreRefused() {
    provider = Registry.start(config());

    assertThatThrownBy(() -> provider.register("a/b", "127.0.0.1", 7001, Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> provider.directory("")).isInstanceOf(IllegalArgumentException.class);
  }
}
