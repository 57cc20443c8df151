package io.farcall.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.farcall.Export;
import io.farcall.RemoteRef;
import io.farcall.runtime.Farcall;
import io.farcall.runtime.testing.Poll;
import io.farcall.spring.boot.actuate.FarcallHealthIndicator;
import io.farcall.spring.boot.api.Quotes;
import io.farcall.spring.boot.elsewhere.ElsewhereApps;
import io.farcall.test.FarcallExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Component;

/**
 * The starter in real Spring Boot applications (run by {@code SpringApplication}, as {@code main}
 * runs them), against a real ZooKeeper and real Farcall runtimes: the extension's consumer calls
 * the application's exports, and its providers serve the application's stubs.
 */
class FarcallStarterTest {
  @RegisterExtension static final FarcallExtension farcall = FarcallExtension.create();

  private static final Duration WITHIN = Duration.ofSeconds(20);

  private final List<ConfigurableApplicationContext> started = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeApplications() {
    for (ConfigurableApplicationContext c : started) {
      c.close();
    }
  }

  private ConfigurableApplicationContext run(Class<?> app, String... properties) {
    ConfigurableApplicationContext c =
        new SpringApplicationBuilder(app)
            .web(WebApplicationType.NONE)
            .properties("spring.main.banner-mode=off", "farcall.registry=" + farcall.registry())
            .properties(properties)
            .run();
    started.add(c);
    return c;
  }

  private static List<?> providersOfQuotes() {
    return farcall.consumer().providers(Quotes.class);
  }

  // ---- the applications ------------------------------------------------------------------------

  /** Counts the calls that go through the bean's proxy. */
  @Aspect
  static class CountingAspect {
    final AtomicInteger calls = new AtomicInteger();

    @Around("execution(* io.farcall.spring.boot.api.Quotes.*(..))")
    Object count(ProceedingJoinPoint call) throws Throwable {
      calls.incrementAndGet();
      return call.proceed();
    }
  }

  /** What the provider application did, in order. */
  static final List<String> events = new CopyOnWriteArrayList<>();

  static volatile CountDownLatch heldCallStarted = new CountDownLatch(1);
  static volatile CountDownLatch releaseHeldCall = new CountDownLatch(1);

  /** A bean the exported one needs, destroyed with the context. */
  static class PriceList implements DisposableBean {
    int priceOf(String sku) {
      return sku.length() * 10;
    }

    @Override
    public void destroy() {
      events.add("price list destroyed");
    }
  }

  @Component
  @Export
  static class QuotesService implements Quotes {
    @Autowired PriceList prices;

    @Override
    public int price(String sku) {
      return prices.priceOf(sku);
    }

    @Override
    public String held(String sku) {
      heldCallStarted.countDown();
      try {
        releaseHeldCall.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      events.add("held call returned");
      return sku;
    }
  }

  /** The exports the runtime had when the runners ran: before the application was ready. */
  static volatile List<String> exportsDuringRunners;

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import({QuotesService.class, PriceList.class, CountingAspect.class})
  static class ProviderApp {
    @Bean
    ApplicationRunner recordExports(ObjectProvider<Farcall> runtime) {
      return args ->
          runtime.ifAvailable(
              f -> exportsDuringRunners = List.copyOf(f.status().exports().keySet()));
    }
  }

  /** A consumer bean that calls from its constructor and through a {@code @RemoteRef} field. */
  @Component
  static class QuoteClient {
    final int priceInConstructor;
    @RemoteRef Quotes viaField;

    QuoteClient(Quotes quotes) {
      priceInConstructor = quotes.price("abc");
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import(QuoteClient.class)
  static class ConsumerApp {}

  /** Exports a class that implements no {@code @Remote} interface. */
  @Export
  static class ExportedNotRemote {}

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import(ExportedNotRemote.class)
  static class NotRemoteApp {}

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import({QuotesService.class, PriceList.class})
  static class MeteredApp {
    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }

    @Bean
    FarcallCustomizer shorterTimeout() {
      return builder -> builder.timeout(Duration.ofSeconds(3));
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import({QuotesService.class, PriceList.class})
  static class TracedApp {
    static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

    @Bean(destroyMethod = "close")
    OpenTelemetrySdk openTelemetry() {
      return OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(SPANS))
                  .build())
          .build();
    }
  }

  @Component
  static class WrongRef {
    @RemoteRef Runnable notRemote;
  }

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import(WrongRef.class)
  static class WrongRefApp {}

  // ---- the tests -------------------------------------------------------------------------------

  @Test
  void exportsTheBeanWhenReadyThroughItsProxy() {
    ConfigurableApplicationContext app = run(ProviderApp.class);
    assertThat(exportsDuringRunners).as("exports while the runners ran").isEmpty();
    Poll.untilTrue("the provider is known", () -> !providersOfQuotes().isEmpty(), WITHIN);

    Quotes quotes = farcall.stub(Quotes.class);
    for (int i = 0; i < 5; i++) {
      assertThat(quotes.price("sku-" + i)).isEqualTo(50);
    }
    assertThat(app.getBean(CountingAspect.class).calls).as("aspect runs").hasValue(5);
    assertThat(AopUtils.isAopProxy(app.getBean(Quotes.class)))
        .as("the application's Quotes bean is the local, proxied one, not a stub")
        .isTrue();
  }

  @Test
  void stubsAreInjectedByConstructorAndIntoRemoteRefFields() {
    farcall.export(
        new Quotes() {
          @Override
          public int price(String sku) {
            return sku.length();
          }

          @Override
          public String held(String sku) {
            return sku;
          }
        });
    ConfigurableApplicationContext app = run(ConsumerApp.class);
    QuoteClient client = app.getBean(QuoteClient.class);
    assertThat(client.priceInConstructor).isEqualTo(3);
    assertThat(client.viaField.price("abcdef")).isEqualTo(6);
    assertThat(app.getBean(Quotes.class)).isSameAs(client.viaField);
  }

  @Test
  void refusingTrafficDeregistersAndAcceptingServesAgain() {
    ConfigurableApplicationContext app = run(ProviderApp.class);
    Poll.untilTrue("the provider is known", () -> !providersOfQuotes().isEmpty(), WITHIN);

    AvailabilityChangeEvent.publish(app, ReadinessState.REFUSING_TRAFFIC);
    Poll.untilTrue("the provider is gone", () -> providersOfQuotes().isEmpty(), WITHIN);

    AvailabilityChangeEvent.publish(app, ReadinessState.ACCEPTING_TRAFFIC);
    Poll.untilTrue("the provider is back", () -> !providersOfQuotes().isEmpty(), WITHIN);
    assertThat(farcall.stub(Quotes.class).price("ab")).isEqualTo(20);
  }

  @Test
  void closingDeregistersThenFinishesCallsInFlightBeforeDestroyingBeans() throws Exception {
    events.clear();
    heldCallStarted = new CountDownLatch(1);
    releaseHeldCall = new CountDownLatch(1);
    ConfigurableApplicationContext app = run(ProviderApp.class);
    Poll.untilTrue("the provider is known", () -> !providersOfQuotes().isEmpty(), WITHIN);

    CompletableFuture<String> held =
        CompletableFuture.supplyAsync(() -> farcall.stub(Quotes.class).held("in flight"));
    assertThat(heldCallStarted.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(app::close);
    Poll.untilTrue("deregistered while the call runs", () -> providersOfQuotes().isEmpty(), WITHIN);
    assertThat(closing).as("close waits for the call in flight").isNotDone();
    releaseHeldCall.countDown();

    assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("in flight");
    closing.get(10, TimeUnit.SECONDS);
    assertThat(events).containsExactly("held call returned", "price list destroyed");
  }

  @Test
  void healthIsUpWhenEveryExportIsRegisteredAndDownOnceClosed() {
    ConfigurableApplicationContext app = run(ProviderApp.class);
    FarcallHealthIndicator health = app.getBean(FarcallHealthIndicator.class);
    Poll.untilTrue(
        "health up with Quotes registered",
        () ->
            health.health().getStatus().equals(Status.UP)
                && health.health().getDetails().get("registered").toString().contains("Quotes"),
        WITHIN);
    assertThat(health.health().getDetails())
        .containsEntry("registry", farcall.registry())
        .containsEntry("registryConnected", true);

    app.close();
    assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
  }

  @Test
  void aBadPropertyStopsStartUpNamingIt() {
    assertThatThrownBy(() -> run(ConsumerApp.class, "farcall.timeout=soon"))
        .hasStackTraceContaining("Spring property 'farcall.timeout'");
    assertThatThrownBy(() -> run(ConsumerApp.class, "farcall.tiemout=5s"))
        .hasStackTraceContaining("Spring property 'farcall.tiemout' is not a Farcall option");
  }

  @Test
  void relaxedPropertyNamesAreTheAgentsOptions() {
    ConfigurableApplicationContext app =
        run(ProviderApp.class, "farcall.session-timeout=7s", "farcall.shutdownGrace=3s");
    Farcall runtime = app.getBean(Farcall.class);
    assertThat(runtime.settings().sessionTimeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(runtime.settings().shutdownGrace()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void anExportThatServesNothingStopsStartUp() {
    assertThatThrownBy(() -> run(NotRemoteApp.class))
        .hasStackTraceContaining("implements no interface annotated @Remote");
  }

  @Test
  void aRemoteRefFieldOfAnotherTypeStopsStartUp() {
    assertThatThrownBy(() -> run(WrongRefApp.class))
        .hasStackTraceContaining(
            "@RemoteRef field "
                + WrongRef.class.getName()
                + ".notRemote must have an interface"
                + " annotated @Remote");
  }

  @Test
  void remoteScanNamesWhereInterfacesLiveOutsideTheApplication() {
    assertThat(run(ElsewhereApps.Scanning.class).getBeanNamesForType(Quotes.class))
        .containsExactly(Quotes.class.getName());
    assertThat(run(ElsewhereApps.NotScanning.class).getBeanNamesForType(Quotes.class)).isEmpty();
  }

  @Test
  void metersGoToTheApplicationsRegistryAndCustomizersApply() {
    ConfigurableApplicationContext app = run(MeteredApp.class);
    Poll.untilTrue("the provider is known", () -> !providersOfQuotes().isEmpty(), WITHIN);
    farcall.stub(Quotes.class).price("abc");

    MeterRegistry meters = app.getBean(MeterRegistry.class);
    Poll.untilTrue(
        "the served call is counted",
        () ->
            meters
                    .get("farcall.server.calls")
                    .tag("method", "price(java.lang.String)")
                    .tag("status", "ok")
                    .counter()
                    .count()
                == 1,
        WITHIN);
    assertThat(app.getBean(Farcall.class).settings().timeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void spansGoToTheApplicationsOpenTelemetry() {
    TracedApp.SPANS.reset();
    run(TracedApp.class);
    Poll.untilTrue("the provider is known", () -> !providersOfQuotes().isEmpty(), WITHIN);
    farcall.stub(Quotes.class).price("abc");

    List<SpanData> spans =
        Poll.until(TracedApp.SPANS::getFinishedSpanItems, s -> !s.isEmpty(), WITHIN);
    assertThat(spans)
        .extracting(SpanData::getName, SpanData::getKind)
        .containsExactly(tuple(Quotes.class.getName() + "/price", SpanKind.SERVER));
  }

  @Test
  void disabledMeansNoRuntime() {
    ConfigurableApplicationContext app = run(ProviderApp.class, "farcall.enabled=false");
    assertThat(app.getBeanNamesForType(Farcall.class)).isEmpty();
  }
}
