package io.farcall.runtime.internal.invoke;

import io.farcall.CallStatus;
import io.farcall.Metadata;
import io.farcall.ServerInterceptor;
import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.codec.proto.Kind;
import io.farcall.runtime.internal.codec.proto.Status;
import io.farcall.runtime.internal.metrics.RuntimeMetrics;
import io.farcall.runtime.internal.transport.Frame;
import io.farcall.runtime.internal.transport.RequestHandler;
import io.farcall.runtime.internal.transport.ServerConnection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The provider side: the path of every request to the thread that serves it, in {@link #onRequest}.
 * Everything that can be answered without running application code (unknown service or method,
 * provider shutting down, deadline already passed, too many calls or bytes held) is answered at
 * once on the event loop; the executor never queues without bound. From there, {@link ServerCall}
 * serves it. Thread-safe.
 */
final class Dispatcher implements RequestHandler {
  private static final Logger log = LogManager.getLogger(Dispatcher.class);

  final BodyCodec codec;
  final Admission admission;
  final RuntimeMetrics metrics;
  final Identities identities;
  private final ExecutorService executor;
  private final ServiceRoutes routes = new ServiceRoutes();

  /** Every service exported here so far, withdrawn ones too, by name. */
  private final Map<String, ExportedService> exported = new ConcurrentHashMap<>();

  private final OccasionalLog heldBytesLog =
      new OccasionalLog(log, "refused a request for the held-bytes budget");

  final OccasionalLog undecodable =
      new OccasionalLog(log, "refused a request whose arguments do not decode");

  /**
   * @param executor runs application code; its queue may be unbounded, because admission is bounded
   *     here
   * @param threads the executor's threads at most
   * @param maxQueued how many admitted calls may wait for a thread; with the executor's threads,
   *     the most calls admitted at once
   * @param maxHeldBytes the most bytes of request bodies held at once, from their arrival to the
   *     end of their calls (their decoded arguments live as long): a request that would take more
   *     is refused as overloaded, unless nothing else is held, so that one request of any size can
   *     always run
   * @param identities who callers are
   */
  Dispatcher(
      BodyCodec codec,
      ExecutorService executor,
      int threads,
      int maxQueued,
      long maxHeldBytes,
      RuntimeMetrics metrics,
      Identities identities) {
    this.metrics = metrics;
    this.identities = identities;
    this.codec = codec;
    this.executor = executor;
    this.admission = new Admission(threads, maxQueued, maxHeldBytes);
  }

  /**
   * Serves {@code service} with {@code impl}, through {@code interceptors} (outermost first);
   * replaces any previous implementation.
   */
  void export(ServiceDescriptor service, Object impl, List<ServerInterceptor> interceptors) {
    ServerInterceptor[] chain = CallSteps.chain(interceptors, new ServerInterceptor[0]);
    boolean observeEnd = CallSteps.observeEnd(interceptors);
    ExportedService calls =
        exported.computeIfAbsent(service.name(), name -> new ExportedService(name, admission));
    Map<String, ProviderMethod> methods = new HashMap<>();
    for (MethodDescriptor m : service.methods()) {
      methods.put(m.key(), new ProviderMethod(this, calls, m, impl, chain, observeEnd));
    }
    codec.allowInterface(service.type());
    routes.put(service.name(), Map.copyOf(methods));
    calls.reinstate();
  }

  /**
   * Stops taking new calls for {@code service} (refused with the retryable shutting-down status, so
   * that callers go to another provider), and waits until its calls in flight ended, up to {@code
   * deadlineNanos} (a {@link System#nanoTime()} value). Returns whether they all ended.
   */
  boolean withdraw(String service, long deadlineNanos) throws InterruptedException {
    ExportedService s = exported.get(service);
    if (s == null) {
      return true;
    }
    s.withdraw();
    return s.awaitIdle(deadlineNanos);
  }

  /** From now on, new requests are refused with the retryable shutting-down status. */
  void drain() {
    admission.drain();
  }

  /**
   * The provider has stopped (its executor too): whoever waits for calls in flight stops waiting,
   * since calls that never started will never end.
   */
  void terminate() {
    for (ExportedService s : exported.values()) {
      s.terminate();
    }
  }

  /** Waits until no call is running or queued, up to the timeout; returns whether none is. */
  boolean awaitIdle(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    for (ExportedService s : exported.values()) {
      if (!s.awaitIdle(deadline)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The provider's path of a request, up to the thread that serves it: the method it names, refusal
   * while draining, the deadline, the call's metadata, admission (slots, then held bytes, then its
   * service, unless withdrawn), then the executor (or this I/O thread, for {@link
   * io.farcall.NonBlocking} methods).
   */
  @Override
  public void onRequest(ServerConnection conn, Frame request) {
    long requestId = request.requestId();
    boolean oneway = request.kind() == Kind.KIND_ONEWAY;
    ProviderMethod method = routes.find(request);
    if (method == null) {
      refuse(conn, request, oneway, null, Status.STATUS_NOT_FOUND, routes.notFound(request));
      return;
    }
    ExportedService service = method.exported();
    if (admission.draining() || service.withdrawn()) {
      refuse(conn, request, oneway, method, Status.STATUS_UNAVAILABLE, service.refusal());
      return;
    }
    long deadline = WireDeadline.local(request.timeoutMicros(), request.deadlineUnixMicros());
    if (deadline != 0 && deadline - System.nanoTime() <= 0) {
      refuse(
          conn,
          request,
          oneway,
          method,
          Status.STATUS_DEADLINE_EXCEEDED,
          "deadline passed before the call could start");
      return;
    }
    Metadata metadata;
    try {
      metadata = request.callMetadata();
    } catch (IllegalArgumentException e) {
      refuse(conn, request, oneway, method, Status.STATUS_INVALID_ARGUMENT, e.getMessage());
      return;
    }
    if (!admission.tryEnter()) {
      refuse(
          conn,
          request,
          oneway,
          method,
          Status.STATUS_RESOURCE_EXHAUSTED,
          admission.slotsRefusal());
      return;
    }
    int bodyBytes = request.body().readableBytes();
    if (!admission.hold(bodyBytes)) {
      admission.exit();
      String why = admission.heldRefusal(bodyBytes);
      heldBytesLog.warn(why + ", from " + conn.remoteAddress());
      refuse(conn, request, oneway, method, Status.STATUS_RESOURCE_EXHAUSTED, why);
      return;
    }
    if (!service.enter()) {
      admission.unhold(bodyBytes);
      admission.exit();
      refuse(conn, request, oneway, method, Status.STATUS_UNAVAILABLE, service.refusal());
      return;
    }
    ServerCall call =
        method.intercepted()
            ? new InterceptedServerCall(conn, request, method, deadline, metadata)
            : new ServerCall(conn, request, method, deadline, metadata);
    if (method.nonBlocking()) {
      call.run(); // here, on the I/O thread: no hand-off to the executor and back
      return;
    }
    try {
      executor.execute(call);
    } catch (RejectedExecutionException e) {
      // Only after shutdown: admission bounds the queue.
      request.release();
      call.finish();
      if (!oneway) {
        ServerCall.refuse(conn, requestId, Status.STATUS_UNAVAILABLE, "provider is shutting down");
      }
    }
  }

  /** Answers {@code request} with {@code status}, unread; {@code method} is null if unknown. */
  private void refuse(
      ServerConnection conn,
      Frame request,
      boolean oneway,
      ProviderMethod method,
      Status status,
      String why) {
    CallStatus refusal = ServerCall.statusOf(status);
    metrics.providerRefused(refusal);
    if (method != null && method.metrics() != null) {
      method.metrics().refused(refusal);
    }
    long requestId = request.requestId();
    request.release();
    if (!oneway) {
      ServerCall.refuse(conn, requestId, status, why);
    }
  }

  @Override
  public Status health(String service) {
    if (!routes.serves(service)) {
      return Status.STATUS_NOT_FOUND;
    }
    ExportedService s = exported.get(service);
    return admission.draining() || (s != null && s.withdrawn())
        ? Status.STATUS_UNAVAILABLE
        : Status.STATUS_OK;
  }
}
