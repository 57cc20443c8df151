package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.farcall.runtime.FarcallOps.Outcome;
import io.farcall.runtime.FarcallOps.PingResult;
import io.farcall.runtime.FarcallOps.Provider;
import io.farcall.runtime.FarcallOps.RegistryUnavailableException;
import io.farcall.runtime.internal.discovery.Registry;
import io.farcall.runtime.internal.discovery.RegistryConfig;
import io.farcall.runtime.testing.GreeterImpl;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What an operator sees of a running deployment: services, providers and whether they answer. */
class FarcallOpsTest {
  private static final String GREETER = "io.farcall.runtime.testing.Greeter";

  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  static Farcall providerA;
  static Farcall providerB;
  static Registry fakes;
  static FarcallOps ops;
  static Instant started;

  @BeforeAll
  static void start() {
    started = Instant.now().minusSeconds(1);
    providerA = Farcall.builder().registry(zk.connectString()).build();
    providerB = Farcall.builder().registry(zk.connectString()).build();
    assertThat(providerA.export(new GreeterImpl("A"))).containsExactly(GREETER);
    providerB.export(new GreeterImpl("B"));
    fakes = Registry.start(RegistryConfig.of(zk.connectString()));
    ops = FarcallOps.connect(zk.connectString(), "/farcall", Duration.ofSeconds(5));
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {ops, fakes, providerA, providerB}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void servicesListsEveryProviderWithItsAddressAndRegistrationTime() {
    List<Provider> providers = ops.services().get(GREETER);

    assertThat(providers)
        .extracting(Provider::address)
        .contains(address(providerA), address(providerB));
    for (Provider p : providers) {
      assertThat(p.service()).isEqualTo(GREETER);
      assertThat(p.id()).isNotBlank();
      assertThat(p.registeredAt()).isBetween(started, Instant.now());
    }
  }

  @Test
  void eachProviderRegistersTheContractOfItsVersionOfTheService() {
    List<Provider> providers =
        ops.services().get(GREETER).stream()
            .filter(p -> List.of(address(providerA), address(providerB)).contains(p.address()))
            .toList();

    assertThat(providers).hasSize(2);
    assertThat(providers)
        .extracting(Provider::contract)
        .as("the same classes: the same fingerprint")
        .containsOnly(providers.get(0).contract())
        .allMatch(c -> c.matches("[0-9a-f]{16}"));
    assertThat(providers.get(0).contractText())
        .startsWith("interface " + GREETER + "\n")
        .contains("  greet(java.lang.String!) -> java.lang.String!");
  }

  @Test
  void everyLiveProviderAnswersOkWithItsRoundTrip() {
    List<Provider> live =
        List.of(provider(GREETER, address(providerA)), provider(GREETER, address(providerB)));

    List<PingResult> results = ops.ping(live, Duration.ofSeconds(5));

    assertThat(results).extracting(PingResult::provider).containsExactlyElementsOf(live);
    assertThat(results).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(Outcome.OK));
    assertThat(results)
        .allSatisfy(r -> assertThat(r.roundTrip()).isPositive().isLessThan(Duration.ofSeconds(5)));
  }

  @Test
  void aProviderAskedForAServiceItDoesNotServeSaysSo() {
    List<PingResult> results =
        ops.ping(List.of(provider("acme.NotHere", address(providerA))), Duration.ofSeconds(5));

    assertThat(results.get(0).outcome()).isEqualTo(Outcome.NOT_SERVED);
    assertThat(results.get(0).detail()).contains("acme.NotHere");
    assertThat(results.get(0).roundTrip()).isNotNull();
  }

  @Test
  void aRegisteredProviderThatIsGoneIsReportedUnreachable() throws IOException {
    int dead = freePort();
    try (var registration = fakes.register("acme.Ghost", "127.0.0.1", dead, Map.of())) {
      List<Provider> ghosts = ops.services().get("acme.Ghost");
      assertThat(ghosts).extracting(Provider::address).containsExactly("127.0.0.1:" + dead);

      PingResult result = ops.ping(ghosts, Duration.ofSeconds(3)).get(0);

      assertThat(result.outcome()).isEqualTo(Outcome.UNREACHABLE);
      assertThat(result.detail()).isEqualTo("connection refused");
      assertThat(result.roundTrip()).isNull();
    }
  }

  @Test
  void aProviderThatAcceptsButNeverAnswersTimesOut() throws IOException {
    try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Provider p = new Provider(GREETER, "silent", "127.0.0.1", silent.getLocalPort(), null);
      long start = System.nanoTime();

      PingResult result = ops.ping(List.of(p), Duration.ofMillis(500)).get(0);

      assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
      assertThat(result.detail()).isEqualTo("no answer within 500 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void noRegistryAtTheAddressFailsFastAndStartsNothing() throws IOException {
    int nobody = freePort();
    long start = System.nanoTime();

    assertThatThrownBy(
            () -> FarcallOps.connect("127.0.0.1:" + nobody, "/farcall", Duration.ofSeconds(5)))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageStartingWith("no registry answered at 127.0.0.1:" + nobody);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    try (ServerSocket stillFree = new ServerSocket(nobody)) {
      assertThat(stillFree.getLocalPort()).isEqualTo(nobody);
    }
  }

  @Test
  void aLocalZooKeeperServesRegistrationsAndRefusesATakenPort() throws Exception {
    int port = freePort();
    try (FarcallOps.LocalZooKeeper server =
            FarcallOps.startZooKeeper(port, Duration.ofSeconds(20));
        Registry registry = Registry.start(RegistryConfig.of(server.connectString()))) {
      assertThat(server.connectString()).isEqualTo("127.0.0.1:" + port);
      registry.register("acme.Local", "127.0.0.1", 7000, Map.of());
      assertThat(registry.listAll()).containsKey("acme.Local");

      assertThatThrownBy(() -> FarcallOps.startZooKeeper(port, Duration.ofSeconds(5)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("already in use");
    }
  }

  private static Provider provider(String service, String address) {
    int colon = address.lastIndexOf(':');
    return new Provider(
        service,
        "id-" + address,
        address.substring(0, colon),
        Integer.parseInt(address.substring(colon + 1)),
        null);
  }

  private static String address(Farcall f) {
    return f.settings().advertisedHost() + ":" + f.localAddress().getPort();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
