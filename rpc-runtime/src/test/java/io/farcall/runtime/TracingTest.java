package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.farcall.DeadlineExceededException;
import io.farcall.RemoteCall;
import io.farcall.ServerInterceptor;
import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.GreeterImpl;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.Traced.Hop;
import io.farcall.runtime.testing.Traced.HopImpl;
import io.farcall.runtime.testing.Traced.Probe;
import io.farcall.runtime.testing.Traced.ProbeImpl;
import io.farcall.runtime.testing.ZooKeeperExtension;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Spans of calls between real runtimes over loopback with a real ZooKeeper, each runtime with an
 * OpenTelemetry SDK of its own (as separate applications have), so that a trace continues only
 * through what the call's metadata carries.
 */
class TracingTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  private static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  private static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  private static final AttributeKey<String> SERVER_ADDRESS =
      AttributeKey.stringKey("server.address");
  private static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    Collections.reverse(closing);
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  /** One application's OpenTelemetry: an SDK exporting every span to memory as it ends. */
  private final class App {
    final InMemorySpanExporter spans = InMemorySpanExporter.create();
    final OpenTelemetrySdk sdk;

    App() {
      this(ContextPropagators.noop());
    }

    App(ContextPropagators propagators) {
      SdkTracerProvider tracers =
          SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
      sdk =
          OpenTelemetrySdk.builder().setTracerProvider(tracers).setPropagators(propagators).build();
      closing.add(sdk);
    }

    Farcall runtime(ServerInterceptor... interceptors) {
      FarcallSettings.Builder b = Farcall.builder().openTelemetry(sdk);
      for (ServerInterceptor i : interceptors) {
        b.intercept(i);
      }
      return started(b);
    }

    /** The spans ended so far, once there are {@code count}. */
    List<SpanData> ended(int count) {
      return Poll.until(spans::getFinishedSpanItems, s -> s.size() >= count, WAIT);
    }

    SpanData only(SpanKind kind, String name) {
      List<SpanData> found =
          spans.getFinishedSpanItems().stream()
              .filter(s -> s.getKind() == kind && s.getName().equals(name))
              .toList();
      assertThat(found).as("%s spans named %s", kind, name).hasSize(1);
      return found.get(0);
    }
  }

  private Farcall started(FarcallSettings.Builder b) {
    Farcall f = b.registry(zk.connectString()).timeout(Duration.ofSeconds(10)).build();
    closing.add(f);
    return f;
  }

  /** Calls until the provider is known, then forgets the spans the calls made. */
  private static <T> T ready(T stub, Runnable call, App... apps) {
    Poll.untilAProviderAnswers(call, WAIT);
    for (App a : apps) {
      Poll.untilTrue(
          "the warm-up's spans ended", () -> !a.spans.getFinishedSpanItems().isEmpty(), WAIT);
      a.spans.reset();
    }
    return stub;
  }

  private static <T> T inSpan(App app, String name, Supplier<T> body) {
    Span span = app.sdk.getTracer("test").spanBuilder(name).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      return body.get();
    } finally {
      span.end();
    }
  }

  private static void assertChild(SpanData child, SpanData parent) {
    assertThat(child.getTraceId()).isEqualTo(parent.getTraceId());
    assertThat(child.getParentSpanId())
        .as("%s's parent is %s", child.getName(), parent.getName())
        .isEqualTo(parent.getSpanId());
  }

  @Test
  void aCallIsAClientSpanUnderTheCallersSpanAndAServerSpanUnderTheClientSpan() {
    App consumerApp = new App();
    App providerApp = new App();
    Farcall provider = providerApp.runtime();
    provider.export(new ProbeImpl());
    Probe probe = consumerApp.runtime().stub(Probe.class);
    ready(probe, () -> probe.metadata("warm-up"), consumerApp, providerApp);

    String traceparent = inSpan(consumerApp, "request", () -> probe.metadata("traceparent"));

    String name = Probe.class.getName() + "/metadata";
    consumerApp.ended(2);
    providerApp.ended(1);
    SpanData request = consumerApp.only(SpanKind.INTERNAL, "request");
    SpanData client = consumerApp.only(SpanKind.CLIENT, name);
    SpanData server = providerApp.only(SpanKind.SERVER, name);
    assertChild(client, request);
    assertChild(server, client);
    assertThat(server.getParentSpanContext().isRemote()).isTrue();
    assertThat(server.getAttributes().get(AttributeKey.stringKey("network.peer.address")))
        .as("the consumer's address")
        .isEqualTo("127.0.0.1");
    assertThat(server.getAttributes().get(AttributeKey.longKey("network.peer.port"))).isPositive();
    assertThat(traceparent)
        .as("what the provider was served with")
        .isEqualTo("00-" + client.getTraceId() + "-" + client.getSpanId() + "-01");
    for (SpanData s : List.of(client, server)) {
      assertThat(s.getAttributes().get(RPC_SYSTEM)).isEqualTo("farcall");
      assertThat(s.getAttributes().get(RPC_SERVICE)).isEqualTo(Probe.class.getName());
      assertThat(s.getAttributes().get(RPC_METHOD)).isEqualTo("metadata");
      assertThat(s.getAttributes().get(SERVER_ADDRESS)).isEqualTo("127.0.0.1");
      assertThat(s.getAttributes().get(SERVER_PORT))
          .isEqualTo((long) provider.localAddress().getPort());
      assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
      assertThat(s.getAttributes().get(ERROR_TYPE)).isNull();
    }
  }

  @Test
  void nestedCallsAreOneTraceOfParentsAndChildren() {
    App front = new App();
    App middle = new App();
    App back = new App();
    back.runtime().export(new ProbeImpl());
    Farcall middleRuntime = middle.runtime();
    middleRuntime.export(new HopImpl(middleRuntime.stub(Probe.class)));
    Hop hop = front.runtime().stub(Hop.class);
    ready(hop, () -> hop.relay("warm-up"), front, middle, back);

    inSpan(front, "request", () -> hop.relay("traceparent"));

    String relay = Hop.class.getName() + "/relay";
    String metadata = Probe.class.getName() + "/metadata";
    front.ended(2);
    middle.ended(2);
    back.ended(1);
    SpanData request = front.only(SpanKind.INTERNAL, "request");
    SpanData frontClient = front.only(SpanKind.CLIENT, relay);
    SpanData middleServer = middle.only(SpanKind.SERVER, relay);
    SpanData middleClient = middle.only(SpanKind.CLIENT, metadata);
    SpanData backServer = back.only(SpanKind.SERVER, metadata);
    assertChild(frontClient, request);
    assertChild(middleServer, frontClient);
    assertChild(middleClient, middleServer);
    assertChild(backServer, middleClient);
  }

  @Test
  void baggageTravelsWithTheCallAndIsCurrentWhileTheProviderServesIt() {
    App consumerApp = new App();
    List<String> seen = new CopyOnWriteArrayList<>();
    ServerInterceptor baggageReader =
        (RemoteCall call, ServerInterceptor.Chain chain) -> {
          seen.add(String.valueOf(Baggage.current().getEntryValue("tenant")));
          return chain.proceed();
        };
    App providerApp = new App();
    providerApp.runtime(baggageReader).export(new ProbeImpl());
    Probe probe = consumerApp.runtime().stub(Probe.class);
    ready(probe, () -> probe.metadata("warm-up"), consumerApp, providerApp);
    seen.clear();

    String header;
    try (Scope ignored = Baggage.builder().put("tenant", "acme").build().makeCurrent()) {
      header = probe.metadata("baggage");
    }

    assertThat(header).isEqualTo("tenant=acme");
    assertThat(seen).containsExactly("acme");
  }

  @Test
  void theApplicationsPropagatorsAreTheOnesUsed() {
    App consumerApp = new App(ContextPropagators.create(W3CTraceContextPropagator.getInstance()));
    App providerApp = new App();
    providerApp.runtime().export(new ProbeImpl());
    Probe probe = consumerApp.runtime().stub(Probe.class);
    ready(probe, () -> probe.metadata("warm-up"), consumerApp, providerApp);

    try (Scope ignored = Baggage.builder().put("tenant", "acme").build().makeCurrent()) {
      assertThat(probe.metadata("baggage")).as("no baggage propagator configured").isEqualTo("-");
      assertThat(probe.metadata("traceparent")).startsWith("00-");
    }
  }

  @Test
  void aFailedCallRecordsItsErrorTypeOnBothSides() {
    App consumerApp = new App();
    App providerApp = new App();
    providerApp.runtime().export(new ProbeImpl());
    Probe probe = consumerApp.runtime().stub(Probe.class);
    ready(probe, () -> probe.metadata("warm-up"), consumerApp, providerApp);

    assertThatThrownBy(() -> probe.fail("no")).isInstanceOf(IllegalStateException.class);

    String name = Probe.class.getName() + "/fail";
    consumerApp.ended(1);
    providerApp.ended(1);
    for (SpanData s :
        List.of(consumerApp.only(SpanKind.CLIENT, name), providerApp.only(SpanKind.SERVER, name))) {
      assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(s.getAttributes().get(ERROR_TYPE))
          .isEqualTo(IllegalStateException.class.getName());
      assertThat(s.getEvents()).anyMatch(e -> e.getName().equals("exception"));
    }
  }

  @Test
  void aCallFarcallFailsRecordsFarcallsExceptionAsItsErrorType() {
    App consumerApp = new App();
    started(Farcall.builder()).export(new GreeterImpl("p"));
    Farcall consumer =
        Farcall.builder()
            .registry(zk.connectString())
            .openTelemetry(consumerApp.sdk)
            .timeout(Duration.ofMillis(300))
            .build();
    closing.add(consumer);
    Greeter greeter = consumer.stub(Greeter.class);
    ready(greeter, () -> greeter.greet("warm-up"), consumerApp);

    assertThatThrownBy(() -> greeter.slow(3_000)).isInstanceOf(DeadlineExceededException.class);

    SpanData client = consumerApp.ended(1).get(0);
    assertThat(client.getName()).isEqualTo(Greeter.class.getName() + "/slow");
    assertThat(client.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(client.getAttributes().get(ERROR_TYPE))
        .isEqualTo(DeadlineExceededException.class.getName());
  }

  @Test
  void anAsynchronousCallsSpanEndsWhenItsFutureCompletes() {
    App consumerApp = new App();
    GreeterImpl impl = new GreeterImpl("p");
    started(Farcall.builder()).export(impl);
    Greeter greeter = consumerApp.runtime().stub(Greeter.class);
    ready(greeter, () -> greeter.greet("warm-up"), consumerApp);

    CompletableFuture<String> later = greeter.greetLater("gate");
    assertThat(consumerApp.spans.getFinishedSpanItems()).as("ended before the reply").isEmpty();
    impl.open("gate", "opened");
    assertThat(later.join()).isEqualTo("opened");

    SpanData client = consumerApp.ended(1).get(0);
    assertThat(client.getName()).isEqualTo(Greeter.class.getName() + "/greetLater");
    assertThat(client.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(client.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void withTracingOffNoSpanIsMadeAndNoContextTravels() {
    App consumerApp = new App();
    new App().runtime().export(new ProbeImpl());
    Probe probe =
        started(Farcall.builder().openTelemetry(consumerApp.sdk).tracing(false)).stub(Probe.class);
    ready(probe, () -> probe.metadata("warm-up"));

    String traceparent = inSpan(consumerApp, "request", () -> probe.metadata("traceparent"));

    assertThat(traceparent).isEqualTo("-");
    assertThat(consumerApp.ended(1)).extracting(SpanData::getName).containsExactly("request");
  }

  @Test
  void theGlobalOpenTelemetryIsUsedOnceTheApplicationSetsIt() {
    App providerApp = new App();
    providerApp.runtime().export(new ProbeImpl());
    Probe probe = started(Farcall.builder()).stub(Probe.class);
    ready(probe, () -> probe.metadata("warm-up"), providerApp);
    assertThat(probe.metadata("traceparent")).as("before it is set").isEqualTo("-");
    assertThat(GlobalOpenTelemetry.isSet())
        .as("asking did not fix the global OpenTelemetry to a no-op")
        .isFalse();

    App consumerApp = new App();
    GlobalOpenTelemetry.set(consumerApp.sdk);
    try {
      assertThat(probe.metadata("traceparent")).startsWith("00-");
      assertThat(consumerApp.ended(1).get(0).getKind()).isEqualTo(SpanKind.CLIENT);
    } finally {
      GlobalOpenTelemetry.resetForTest();
    }
  }
}
