package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.farcall.DeadlineExceededException;
import io.farcall.ProviderUnavailableException;
import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.GreeterImpl;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.ZooKeeperExtension;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Farcall's meters in the application's Micrometer registry: there before the first call, counted
 * by outcome on both sides of a call, for synchronous and asynchronous methods, and under the names
 * the README lists, as Prometheus scrapes them.
 */
class MetricsTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String SERVICE = Greeter.class.getName();
  private static final String GREET = "greet(java.lang.String)";
  private static final String FAIL_CHECKED = "failChecked(java.lang.String,boolean)";
  private static final String FAIL_UNCHECKED = "failUnchecked(java.lang.String)";

  private static Farcall runtime(MeterRegistry meters) {
    return Farcall.builder().registry(zk.connectString()).meterRegistry(meters).build();
  }

  private static RequiredSearch meter(MeterRegistry r, String name, String method) {
    return r.get(name).tag("service", SERVICE).tag("method", method);
  }

  private static double calls(
      MeterRegistry r, String side, String method, String status, String exception) {
    return meter(r, "farcall." + side + ".calls", method)
        .tag("status", status)
        .tag("exception", exception)
        .counter()
        .count();
  }

  private static double appErrors(
      MeterRegistry r, String side, String method, Class<? extends Throwable> exception) {
    return calls(r, side, method, "application_error", exception.getName());
  }

  private static void awaitProvider(Farcall consumer, Farcall provider) {
    int port = provider.localAddress().getPort();
    Poll.untilTrue(
        "the consumer knows the provider",
        () -> consumer.providers(Greeter.class).stream().anyMatch(a -> a.getPort() == port),
        WAIT);
  }

  @Test
  void everyMeterOfAMethodExistsBeforeItsFirstCall() {
    SimpleMeterRegistry consumerMeters = new SimpleMeterRegistry();
    SimpleMeterRegistry providerMeters = new SimpleMeterRegistry();
    try (Farcall provider = runtime(providerMeters);
        Farcall consumer = runtime(consumerMeters)) {
      provider.export(new GreeterImpl("p"));
      consumer.stub(Greeter.class);
      for (SimpleMeterRegistry r : new SimpleMeterRegistry[] {consumerMeters, providerMeters}) {
        String side = r == consumerMeters ? "client" : "server";
        assertThat(meter(r, "farcall." + side + ".calls.started", GREET).counter().count())
            .isZero();
        assertThat(calls(r, side, GREET, "ok", "none")).isZero();
        assertThat(
                calls(
                    r, side, GREET, "deadline_exceeded", DeadlineExceededException.class.getName()))
            .isZero();
        // A checked exception the method declares has its counter from the start.
        assertThat(appErrors(r, side, FAIL_CHECKED, Greeter.GreetingRefused.class)).isZero();
        assertThat(meter(r, "farcall." + side + ".duration", GREET).timer().count()).isZero();
        assertThat(meter(r, "farcall." + side + ".calls.active", GREET).gauge().value()).isZero();
        assertThat(meter(r, "farcall." + side + ".request.size", GREET).summary().count()).isZero();
      }
      assertThat(meter(consumerMeters, "farcall.client.retries", GREET).counter().count()).isZero();
      assertThat(consumerMeters.get("farcall.registry.connected").gauge().value()).isEqualTo(1);
      assertThat(consumerMeters.get("farcall.registry.session.changes").counter().count())
          .isEqualTo(1);
      assertThat(
              consumerMeters
                  .get("farcall.registry.providers")
                  .tag("service", SERVICE)
                  .gauge()
                  .value())
          .isEqualTo(1);
      assertThat(providerMeters.get("farcall.server.executor.threads").gauge().value())
          .isEqualTo(provider.settings().executorThreads());
      assertThat(
              providerMeters
                  .get("farcall.server.refusals")
                  .tag("reason", "overloaded")
                  .counter()
                  .count())
          .isZero();
    }
  }

  @Test
  void callsAreCountedByOutcomeOnBothSides() throws Exception {
    SimpleMeterRegistry consumerMeters = new SimpleMeterRegistry();
    SimpleMeterRegistry providerMeters = new SimpleMeterRegistry();
    try (Farcall provider = runtime(providerMeters);
        Farcall consumer = runtime(consumerMeters)) {
      provider.export(new GreeterImpl("p"));
      Greeter greeter = consumer.stub(Greeter.class);
      awaitProvider(consumer, provider);

      for (int i = 0; i < 5; i++) {
        assertThat(greeter.greet("n" + i)).isNotNull();
      }
      for (int i = 0; i < 2; i++) {
        assertThatThrownBy(() -> greeter.failChecked("no", false))
            .isInstanceOf(Greeter.GreetingRefused.class);
      }
      assertThatThrownBy(() -> greeter.failUnchecked("broken"))
          .isInstanceOf(Greeter.GreeterBroken.class);

      for (SimpleMeterRegistry r : new SimpleMeterRegistry[] {consumerMeters, providerMeters}) {
        String side = r == consumerMeters ? "client" : "server";
        // The provider counts a call once its reply is queued: the consumer may see it first.
        Poll.untilTrue(
            side + " counted the unchecked failure",
            () ->
                r.find("farcall." + side + ".calls")
                        .tag("method", FAIL_UNCHECKED)
                        .tag("exception", Greeter.GreeterBroken.class.getName())
                        .counter()
                    != null,
            WAIT);
        Poll.untilTrue(
            side + " has no call in flight",
            () ->
                meter(r, "farcall." + side + ".calls.active", FAIL_UNCHECKED).gauge().value() == 0,
            WAIT);
        assertThat(meter(r, "farcall." + side + ".calls.started", GREET).counter().count())
            .isEqualTo(5);
        assertThat(calls(r, side, GREET, "ok", "none")).isEqualTo(5);
        assertThat(appErrors(r, side, FAIL_CHECKED, Greeter.GreetingRefused.class)).isEqualTo(2);
        assertThat(appErrors(r, side, FAIL_UNCHECKED, Greeter.GreeterBroken.class)).isEqualTo(1);
        Timer duration = meter(r, "farcall." + side + ".duration", GREET).timer();
        assertThat(duration.count()).isEqualTo(5);
        assertThat(duration.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        assertThat(meter(r, "farcall." + side + ".request.size", GREET).summary().count())
            .isEqualTo(5);
        assertThat(meter(r, "farcall." + side + ".request.size", GREET).summary().totalAmount())
            .isPositive();
        assertThat(meter(r, "farcall." + side + ".reply.size", GREET).summary().count())
            .isEqualTo(5);
        assertThat(meter(r, "farcall." + side + ".calls.active", GREET).gauge().value()).isZero();
      }
      String provider1 = "127.0.0.1:" + provider.localAddress().getPort();
      assertThat(
              consumerMeters
                  .get("farcall.client.connections")
                  .tag("provider", provider1)
                  .gauge()
                  .value())
          .isEqualTo(1);
    }
  }

  @Test
  void anAsynchronousCallIsInFlightUntilItsFutureCompletes() throws Exception {
    SimpleMeterRegistry consumerMeters = new SimpleMeterRegistry();
    SimpleMeterRegistry providerMeters = new SimpleMeterRegistry();
    GreeterImpl impl = new GreeterImpl("p");
    try (Farcall provider = runtime(providerMeters);
        Farcall consumer = runtime(consumerMeters)) {
      provider.export(impl);
      Greeter greeter = consumer.stub(Greeter.class);
      awaitProvider(consumer, provider);
      String method = "greetLater(java.lang.String)";

      CompletableFuture<String> later = greeter.greetLater("gate");
      Poll.untilTrue("the provider runs it", () -> impl.calls.get() == 1, WAIT);
      assertThat(meter(consumerMeters, "farcall.client.calls.active", method).gauge().value())
          .isEqualTo(1);
      assertThat(meter(providerMeters, "farcall.server.calls.active", method).gauge().value())
          .isEqualTo(1);

      impl.open("gate", "opened");
      assertThat(later.get(10, TimeUnit.SECONDS)).isEqualTo("opened");
      for (MeterRegistry r : new MeterRegistry[] {consumerMeters, providerMeters}) {
        String side = r == consumerMeters ? "client" : "server";
        Poll.untilTrue(side + " counted it", () -> calls(r, side, method, "ok", "none") == 1, WAIT);
        assertThat(meter(r, "farcall." + side + ".calls.active", method).gauge().value()).isZero();
      }
    }
  }

  @Test
  void farcallsOwnFailuresAreCountedByStatus() throws Exception {
    SimpleMeterRegistry consumerMeters = new SimpleMeterRegistry();
    SimpleMeterRegistry providerMeters = new SimpleMeterRegistry();
    try (Farcall provider =
            Farcall.builder()
                .registry(zk.connectString())
                .meterRegistry(providerMeters)
                .executorThreads(1)
                .executorQueue(0)
                .build();
        Farcall consumer =
            Farcall.builder()
                .registry(zk.connectString())
                .meterRegistry(consumerMeters)
                .timeout(Duration.ofMillis(300))
                .build()) {
      GreeterImpl impl = new GreeterImpl("p");
      provider.export(impl);
      Greeter greeter = consumer.stub(Greeter.class);
      awaitProvider(consumer, provider);
      String slow = "slow(long)";

      // Past its deadline on the consumer; it holds the provider's only thread meanwhile.
      assertThatThrownBy(() -> greeter.slow(1_500)).isInstanceOf(DeadlineExceededException.class);
      assertThat(
              calls(
                  consumerMeters,
                  "client",
                  slow,
                  "deadline_exceeded",
                  DeadlineExceededException.class.getName()))
          .isEqualTo(1);
      // The only thread is still busy: the next call is refused as overloaded.
      assertThatThrownBy(() -> greeter.greet("refused"))
          .isInstanceOf(ProviderUnavailableException.class);
      assertThat(
              calls(
                  consumerMeters,
                  "client",
                  GREET,
                  "overloaded",
                  ProviderUnavailableException.class.getName()))
          .isEqualTo(1);
      Counter refusals =
          providerMeters.get("farcall.server.refusals").tag("reason", "overloaded").counter();
      assertThat(refusals.count()).isGreaterThanOrEqualTo(1);
      assertThat(
              calls(
                  providerMeters,
                  "server",
                  GREET,
                  "overloaded",
                  ProviderUnavailableException.class.getName()))
          .isEqualTo(refusals.count());
    }
  }

  @Test
  void prometheusScrapesTheNamesTheReadmeLists() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (Farcall provider = runtime(prometheus);
        Farcall consumer = runtime(prometheus)) {
      provider.export(new GreeterImpl("p"));
      Greeter greeter = consumer.stub(Greeter.class);
      awaitProvider(consumer, provider);
      greeter.greet("scraped");

      String scrape = prometheus.scrape();
      assertThat(scrape)
          .contains("farcall_client_calls_started_total{")
          .contains("farcall_client_calls_total{")
          .contains("farcall_client_duration_seconds_bucket{")
          .contains("le=\"0.001\"")
          .contains("farcall_client_calls_active{")
          .contains("farcall_client_request_size_bytes_count{")
          .contains("farcall_client_retries_total{")
          .contains("farcall_client_connections{")
          .contains("farcall_server_calls_total{")
          .contains("farcall_server_duration_seconds_count{")
          .contains("farcall_server_executor_busy ")
          .contains("farcall_server_executor_queued ")
          .contains("farcall_server_refusals_total{")
          .contains("farcall_registry_connected ")
          .contains("farcall_registry_providers{")
          .contains("farcall_registry_update_age_seconds{")
          .contains("farcall_registry_session_changes_total ");
    }
  }
}
