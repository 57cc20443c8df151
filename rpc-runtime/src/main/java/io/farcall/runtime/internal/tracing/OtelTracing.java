package io.farcall.runtime.internal.tracing;

import io.farcall.ClientInterceptor;
import io.farcall.Metadata;
import io.farcall.RemoteCall;
import io.farcall.ServerInterceptor;
import io.farcall.runtime.internal.invoke.Dormant;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Records a span for each call, following OpenTelemetry's RPC conventions: a {@code CLIENT} span
 * named {@code service/method} under the context current on the calling thread, its context
 * injected into the call's metadata ({@code traceparent}, {@code tracestate}, {@code baggage} with
 * the default propagators); on the provider, a {@code SERVER} span under the context extracted from
 * the metadata, current while the method runs, so that the calls it makes are its children. Both
 * carry {@code rpc.system=farcall}, {@code rpc.service}, {@code rpc.method}, the server's address
 * and port, and {@code error.type} (the exception's class) when the call failed. It is the
 * outermost interceptor on both sides, so the spans cover the application's interceptors too. While
 * the OpenTelemetry is the no-op one (the API is on the class path, but nobody set an SDK) it is
 * {@link Dormant}: a service with no other interceptor takes the plain call path.
 */
final class OtelTracing implements ClientInterceptor, ServerInterceptor, Dormant {
  private static final String SCOPE = "io.farcall";
  private static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  private static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  private static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  private static final AttributeKey<String> SERVER_ADDRESS =
      AttributeKey.stringKey("server.address");
  private static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  private static final AttributeKey<String> PEER_ADDRESS =
      AttributeKey.stringKey("network.peer.address");
  private static final AttributeKey<Long> PEER_PORT = AttributeKey.longKey("network.peer.port");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** What a span's context travels with when the application configured no propagator. */
  private static final TextMapPropagator W3C =
      TextMapPropagator.composite(
          W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());

  /** The application's OpenTelemetry, or null for the global one. */
  private final OpenTelemetry given;

  /**
   * Whether the OpenTelemetry Java agent is attached: then the global OpenTelemetry is its bridge,
   * asked for with {@link GlobalOpenTelemetry#get()}; else with {@link
   * GlobalOpenTelemetry#getOrNoop()}, which does not fix the global one to a no-op before the
   * application sets its own.
   */
  private final boolean javaagent;

  private final Supplier<InetSocketAddress> localAddress;

  /** The provider's address once it listens (it never changes after that). */
  private volatile InetSocketAddress local;

  private final ConcurrentMap<Method, String> spanNames = new ConcurrentHashMap<>();

  /** What spans are made with, for the OpenTelemetry seen last. */
  private volatile Source source;

  private record Source(OpenTelemetry openTelemetry, Tracer tracer, TextMapPropagator propagator) {
    boolean off() {
      return tracer == null;
    }
  }

  OtelTracing(Object openTelemetry, boolean javaagent, Supplier<InetSocketAddress> localAddress) {
    this.given = (OpenTelemetry) openTelemetry;
    this.javaagent = javaagent;
    this.localAddress = localAddress;
  }

  @Override
  public boolean dormant() {
    return source().off();
  }

  @Override
  public Object intercept(RemoteCall call, ClientInterceptor.Chain chain) throws Throwable {
    Source s = source();
    if (s.off()) {
      return chain.proceed();
    }
    Context parent = Context.current();
    Span span = started(s, call, SpanKind.CLIENT, parent);
    Context context = parent.with(span);
    Metadata metadata = call.metadata();
    for (String field : s.propagator().fields()) {
      metadata.remove(field); // what the served call passed on, replaced by this span's context
    }
    s.propagator().inject(context, metadata, OtelCarrier.INSTANCE);
    return run(call, span, context, chain::proceed, true);
  }

  @Override
  public Object intercept(RemoteCall call, ServerInterceptor.Chain chain) throws Throwable {
    Source s = source();
    if (s.off()) {
      return chain.proceed();
    }
    Context parent = s.propagator().extract(Context.root(), call.metadata(), OtelCarrier.INSTANCE);
    Span span = started(s, call, SpanKind.SERVER, parent);
    InetSocketAddress local = this.local;
    if (local == null) {
      local = localAddress.get();
      this.local = local;
    }
    if (local != null) {
      span.setAttribute(SERVER_ADDRESS, local.getHostString());
      span.setAttribute(SERVER_PORT, (long) local.getPort());
    }
    address(span, PEER_ADDRESS, PEER_PORT, call.peer());
    return run(call, span, parent.with(span), chain::proceed, false);
  }

  /** The rest of a chain: what {@code proceed} of either side's chain does. */
  private interface Rest {
    Object proceed() throws Throwable;
  }

  /**
   * Runs the rest of the call with {@code context} current and ends {@code span} when the call
   * ended: when it returns or throws, or for an asynchronous method when its future completes.
   */
  private static Object run(RemoteCall call, Span span, Context context, Rest rest, boolean client)
      throws Throwable {
    Object result;
    try (Scope ignored = context.makeCurrent()) {
      result = rest.proceed();
    } catch (Throwable t) {
      end(call, span, t, client);
      throw t;
    }
    if (result instanceof CompletableFuture<?> f
        && CompletableFuture.class.isAssignableFrom(call.method().getReturnType())) {
      f.whenComplete((v, e) -> end(call, span, unwrap(e), client));
    } else {
      end(call, span, null, client);
    }
    return result;
  }

  private static void end(RemoteCall call, Span span, Throwable error, boolean client) {
    if (client) {
      address(span, SERVER_ADDRESS, SERVER_PORT, call.peer()); // the provider it went to last
    }
    if (error != null) {
      span.setAttribute(ERROR_TYPE, error.getClass().getName());
      span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
      span.recordException(error);
    }
    span.end();
  }

  private Span started(Source s, RemoteCall call, SpanKind kind, Context parent) {
    return s.tracer()
        .spanBuilder(spanName(call))
        .setParent(parent)
        .setSpanKind(kind)
        .setAttribute(RPC_SYSTEM, "farcall")
        .setAttribute(RPC_SERVICE, call.service())
        .setAttribute(RPC_METHOD, call.method().getName())
        .startSpan();
  }

  /** Sets {@code host} and {@code port} from {@code hostPort} ({@code host:port}), if given. */
  private static void address(
      Span span, AttributeKey<String> host, AttributeKey<Long> port, String hostPort) {
    int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
    if (colon <= 0) {
      return;
    }
    String h = hostPort.substring(0, colon);
    span.setAttribute(
        host, h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h);
    try {
      span.setAttribute(port, Long.parseLong(hostPort.substring(colon + 1)));
    } catch (NumberFormatException e) {
      // no port to tell
    }
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e;
  }

  private String spanName(RemoteCall call) {
    Method m = call.method();
    String name = spanNames.get(m);
    if (name == null) {
      name = call.service() + "/" + m.getName();
      spanNames.putIfAbsent(m, name);
    }
    return name;
  }

  /** What spans are made with now: the OpenTelemetry may be set after the runtime started. */
  private Source source() {
    OpenTelemetry now =
        given != null
            ? given
            : javaagent ? GlobalOpenTelemetry.get() : GlobalOpenTelemetry.getOrNoop();
    Source s = source;
    if (s == null || s.openTelemetry() != now) {
      s = sourceOf(now);
      source = s;
    }
    return s;
  }

  private static Source sourceOf(OpenTelemetry openTelemetry) {
    if (openTelemetry == OpenTelemetry.noop()) {
      return new Source(openTelemetry, null, null);
    }
    TextMapPropagator configured = openTelemetry.getPropagators().getTextMapPropagator();
    TextMapPropagator propagator = configured.fields().isEmpty() ? W3C : configured;
    String version = OtelTracing.class.getPackage().getImplementationVersion();
    Tracer tracer =
        version == null ? openTelemetry.getTracer(SCOPE) : openTelemetry.getTracer(SCOPE, version);
    return new Source(openTelemetry, tracer, propagator);
  }
}
