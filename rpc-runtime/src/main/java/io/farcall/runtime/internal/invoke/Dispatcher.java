package io.farcall.runtime.internal.invoke;

import com.google.common.math.LongMath;
import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.codec.PeerShapes;
import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.codec.proto.Kind;
import io.farcall.runtime.internal.codec.proto.Status;
import io.farcall.runtime.internal.transport.BodyWriter;
import io.farcall.runtime.internal.transport.Frame;
import io.farcall.runtime.internal.transport.RequestHandler;
import io.farcall.runtime.internal.transport.ServerConnection;
import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The provider side: finds the exported method a request names and runs it on the bounded executor.
 * Everything that can be answered without running application code (unknown service or method,
 * provider shutting down, deadline already passed, executor full) is answered at once on the event
 * loop; the executor never queues without bound. Thread-safe.
 */
public final class Dispatcher implements RequestHandler {
  private static final Logger log = LogManager.getLogger(Dispatcher.class);

  private final BodyCodec codec;
  private final ExecutorService executor;
  private final int threads;
  private final Map<String, Map<String, ProviderMethod>> services = new ConcurrentHashMap<>();

  /** The same methods, found from the raw header bytes; rebuilt when the services change. */
  private volatile Routes routes = Routes.of(Map.of());

  private final AtomicInteger inFlight = new AtomicInteger();
  private final Semaphore admission;
  private final int admissionLimit;

  /** Bytes of request bodies held, from admission to the end of their calls. */
  private final AtomicLong held = new AtomicLong();

  private final long maxHeld;

  private final OccasionalLog heldBytesLog =
      new OccasionalLog(log, "refused a request for the held-bytes budget");

  private final OccasionalLog undecodable =
      new OccasionalLog(log, "refused a request whose arguments do not decode");
  private volatile boolean draining;

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
   */
  public Dispatcher(
      BodyCodec codec, ExecutorService executor, int threads, int maxQueued, long maxHeldBytes) {
    this.codec = codec;
    this.maxHeld = maxHeldBytes;
    this.executor = executor;
    this.threads = threads;
    this.admissionLimit = threads + maxQueued;
    this.admission = new Semaphore(admissionLimit);
  }

  /** Serves {@code service} with {@code impl}; replaces any previous implementation. */
  public void export(ServiceDescriptor service, Object impl) {
    Map<String, ProviderMethod> methods = new ConcurrentHashMap<>();
    for (MethodDescriptor m : service.methods()) {
      methods.put(m.key(), new ProviderMethod(m, impl));
    }
    codec.allowInterface(service.type());
    synchronized (services) {
      services.put(service.name(), methods);
      routes = Routes.of(services);
    }
  }

  public void unexport(String serviceName) {
    synchronized (services) {
      services.remove(serviceName);
      routes = Routes.of(services);
    }
  }

  /** From now on, new requests are refused with the retryable shutting-down status. */
  public void drain() {
    draining = true;
  }

  /** Waits until no call is running or queued, up to the timeout; returns whether none is. */
  public boolean awaitIdle(long timeout, TimeUnit unit) throws InterruptedException {
    long end = System.nanoTime() + unit.toNanos(timeout);
    while (inFlight.get() > 0) {
      if (System.nanoTime() - end >= 0) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  @Override
  public void onRequest(ServerConnection conn, Frame request) {
    boolean oneway = request.kind() == Kind.KIND_ONEWAY;
    long requestId = request.requestId();
    ProviderMethod method = request.hasRawKey() ? routes.find(request) : null;
    String refusal = null;
    Status status = Status.STATUS_OK;
    long deadline = localDeadline(request.timeoutMicros(), request.deadlineUnixMicros());
    if (method == null) {
      // Not found from the bytes: look again by name, which also says what is unknown.
      Header h = request.header();
      Map<String, ProviderMethod> methods = services.get(h.getService());
      method = methods == null ? null : methods.get(h.getMethod());
      if (method == null) {
        status = Status.STATUS_NOT_FOUND;
        refusal =
            methods == null
                ? "unknown service '" + h.getService() + "'"
                : "unknown method '" + h.getMethod() + "' of service '" + h.getService() + "'";
      }
    }
    if (refusal == null && draining) {
      status = Status.STATUS_UNAVAILABLE;
      refusal = "provider is shutting down";
    } else if (refusal == null && deadline != 0 && deadline - System.nanoTime() <= 0) {
      status = Status.STATUS_DEADLINE_EXCEEDED;
      refusal = "deadline passed before the call could start";
    }
    if (refusal != null) {
      request.release();
      if (!oneway) {
        replyStatus(conn, requestId, status, refusal);
      }
      return;
    }
    if (!admission.tryAcquire()) {
      request.release();
      if (!oneway) {
        replyStatus(
            conn,
            requestId,
            Status.STATUS_RESOURCE_EXHAUSTED,
            "provider overloaded: "
                + admissionLimit
                + " calls running or waiting ("
                + threads
                + " threads)");
      }
      return;
    }
    int bodyBytes = request.body().readableBytes();
    if (!hold(bodyBytes)) {
      admission.release();
      request.release();
      String why = heldBytesRefusal(bodyBytes);
      heldBytesLog.warn(why + ", from " + conn.remoteAddress());
      if (!oneway) {
        replyStatus(conn, requestId, Status.STATUS_RESOURCE_EXHAUSTED, why);
      }
      return;
    }
    ServerCall call = new ServerCall(conn, request, method, deadline, oneway, bodyBytes);
    inFlight.incrementAndGet();
    track(call);
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
        replyStatus(conn, requestId, Status.STATUS_UNAVAILABLE, "provider is shutting down");
      }
    }
  }

  /** Takes {@code bytes} of the held-bytes budget, if they fit or nothing is held. */
  private boolean hold(int bytes) {
    while (true) {
      long now = held.get();
      if (now > 0 && now + bytes > maxHeld) {
        return false;
      }
      if (held.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  /** Why a request of {@code bodyBytes} was refused for the held-bytes budget. */
  private String heldBytesRefusal(int bodyBytes) {
    return "provider overloaded: it holds "
        + held.get()
        + " bytes of requests, and this one's "
        + bodyBytes
        + " would take it over the limit of "
        + maxHeld
        + " (setting maxdecodingbytes)";
  }

  /** How far wall clocks may disagree before the absolute deadline in a header is distrusted. */
  static final long CLOCK_SKEW_ALLOWANCE_MICROS = 250_000;

  /**
   * The request's deadline in {@link System#nanoTime()} terms (0 for none). The time left when the
   * request was sent, counted from its arrival, is robust against clocks that disagree; but a
   * request that waited in a socket buffer (a provider frozen by SIGSTOP or a long GC pause reads
   * it late) would get its whole time again. The absolute deadline catches that: it wins when it is
   * earlier by more than the clock-skew allowance.
   */
  static long localDeadline(Header h) {
    return localDeadline(h.getTimeoutMicros(), h.getDeadlineUnixMicros());
  }

  /**
   * The longest time a call may be given, about 73 years: any longer one (up to {@code
   * Long.MAX_VALUE} microseconds) means the same, and stays clear of overflow in the {@code
   * deadline - System.nanoTime()} comparisons.
   */
  static final long MAX_TIME_LEFT_NANOS = Long.MAX_VALUE / 4;

  private static long localDeadline(long timeoutMicros, long deadlineUnixMicros) {
    if (timeoutMicros <= 0) {
      return 0;
    }
    long now = System.nanoTime();
    long left = LongMath.saturatedMultiply(timeoutMicros, 1000);
    if (deadlineUnixMicros > 0) {
      long nowUnixMicros =
          java.time.temporal.ChronoUnit.MICROS.between(
              java.time.Instant.EPOCH, java.time.Instant.now());
      long absoluteLeftMicros =
          LongMath.saturatedAdd(
              LongMath.saturatedSubtract(deadlineUnixMicros, nowUnixMicros),
              CLOCK_SKEW_ALLOWANCE_MICROS);
      left = Math.min(left, LongMath.saturatedMultiply(absoluteLeftMicros, 1000));
    }
    return now + Math.max(Math.min(left, MAX_TIME_LEFT_NANOS), -MAX_TIME_LEFT_NANOS);
  }

  @Override
  public void onCancel(ServerConnection conn, long requestId) {
    if (conn.calls().get(requestId) instanceof ServerCall call) {
      call.cancelled = true;
    }
  }

  @Override
  public Status health(String service) {
    if (!services.containsKey(service)) {
      return Status.STATUS_NOT_FOUND;
    }
    return draining ? Status.STATUS_UNAVAILABLE : Status.STATUS_OK;
  }

  private static void track(ServerCall call) {
    call.conn.calls().put(call.requestId, call);
  }

  private static void untrack(ServerCall call) {
    call.conn.calls().remove(call.requestId, call);
  }

  private static void replyStatus(
      ServerConnection conn, long requestId, Status status, String message) {
    conn.reply(response(requestId, status, message), null);
  }

  private static Header response(long requestId, Status status, String message) {
    return Header.newBuilder()
        .setVersion(Frame.PROTOCOL_VERSION)
        .setKind(Kind.KIND_RESPONSE)
        .setRequestId(requestId)
        .setStatus(status)
        .setStatusMessage(message)
        .build();
  }

  /**
   * Exported methods by the raw bytes of their service name and method key: an open-addressing
   * table, so that a request finds its method without decoding strings. Immutable.
   */
  private static final class Routes {
    private record Route(int hash, byte[] service, byte[] method, ProviderMethod target) {}

    private final Route[] slots;

    private Routes(Route[] slots) {
      this.slots = slots;
    }

    static Routes of(Map<String, Map<String, ProviderMethod>> services) {
      int count = 0;
      for (Map<String, ProviderMethod> methods : services.values()) {
        count += methods.size();
      }
      // At most half full, so probing always meets an empty slot.
      Route[] slots = new Route[Integer.highestOneBit(Math.max(1, count) * 2) * 2];
      for (Map.Entry<String, Map<String, ProviderMethod>> s : services.entrySet()) {
        byte[] service = s.getKey().getBytes(StandardCharsets.UTF_8);
        for (Map.Entry<String, ProviderMethod> m : s.getValue().entrySet()) {
          byte[] method = m.getKey().getBytes(StandardCharsets.UTF_8);
          int hash = Frame.keyHash(service, method);
          int i = hash & (slots.length - 1);
          while (slots[i] != null) {
            i = (i + 1) & (slots.length - 1);
          }
          slots[i] = new Route(hash, service, method, m.getValue());
        }
      }
      return new Routes(slots);
    }

    ProviderMethod find(Frame request) {
      int hash = request.keyHash();
      for (int i = hash & (slots.length - 1); ; i = (i + 1) & (slots.length - 1)) {
        Route r = slots[i];
        if (r == null) {
          return null;
        }
        if (r.hash == hash && request.keyEquals(r.service, r.method)) {
          return r.target;
        }
      }
    }
  }

  private static final VarHandle RELEASED;

  static {
    try {
      RELEASED = MethodHandles.lookup().findVarHandle(ServerCall.class, "released", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * One request accepted for execution. Writes its reply's value as the reply body (so that a reply
   * costs no lambda).
   */
  private final class ServerCall implements Runnable, CallContext.Served, BodyWriter {
    final ServerConnection conn;
    final long requestId;
    private Frame request; // until its arguments are read: a header is kept no longer
    private final int bodyBytes;
    private final ProviderMethod method;
    private final long deadlineNanos;
    private final boolean oneway;
    volatile boolean cancelled;
    volatile boolean released; // the admission permit was given back; set once, through RELEASED
    private Object value; // the reply's value, for write()
    private volatile boolean answered; // a reply was queued

    ServerCall(
        ServerConnection conn,
        Frame request,
        ProviderMethod method,
        long deadlineNanos,
        boolean oneway,
        int bodyBytes) {
      this.conn = conn;
      this.bodyBytes = bodyBytes;
      this.requestId = request.requestId();
      this.request = request;
      this.method = method;
      this.deadlineNanos = deadlineNanos;
      this.oneway = oneway;
    }

    @Override
    public void run() {
      boolean finishesLater = false;
      try {
        finishesLater = execute();
      } catch (RuntimeException | Error e) {
        log.error("failed to serve {} from {}", method.descriptor(), conn.remoteAddress(), e);
        if (!answered) {
          try {
            // The caller hears of it now rather than at its deadline.
            reply(Status.STATUS_INTERNAL, "the provider failed serving the call: " + e, null);
          } catch (RuntimeException | Error again) {
            log.debug("could not tell the caller either", again);
          }
        }
      } finally {
        if (!finishesLater) {
          finish();
        }
      }
    }

    /** Returns true when the method is asynchronous and its reply is sent later. */
    private boolean execute() {
      Object[] args;
      try {
        if (cancelled) {
          return false;
        }
        if (deadlineNanos != 0 && deadlineNanos - System.nanoTime() <= 0) {
          reply(
              Status.STATUS_DEADLINE_EXCEEDED, "deadline passed before the call could start", null);
          return false;
        }
        if (!conn.isActive()) {
          return false; // the consumer is gone: nobody would get the reply
        }
        args = codec.readArguments(request.body(), method.descriptor().parameterTypes());
        if (request.body().isReadable()) {
          // The arguments must be the whole body; anything else means the two sides disagree.
          throw new IllegalArgumentException(
              request.body().readableBytes() + " bytes left after the arguments");
        }
      } catch (RuntimeException | Error e) {
        // An Error too (a constructor that throws one, say): the call did not run, the caller is
        // told so, and this thread goes on serving.
        String why =
            "cannot decode arguments: " + (e instanceof Error ? e.toString() : e.getMessage());
        undecodable.warn(why + ", for " + method.descriptor() + " from " + conn.remoteAddress());
        reply(Status.STATUS_INVALID_ARGUMENT, why, null);
        return false;
      } finally {
        request.release();
        request = null;
      }
      Object value;
      CallContext.Served previous = CallContext.enter(this);
      try {
        value = method.invoke(args);
      } catch (Throwable t) {
        replyError(t);
        return false;
      } finally {
        CallContext.restore(previous);
      }
      if (method.descriptor().isAsync()) {
        if (value == null) {
          replyError(new NullPointerException(method.descriptor() + " returned a null future"));
          return false;
        }
        ((CompletableFuture<?>) value)
            .whenComplete(
                (v, e) -> {
                  try {
                    if (e != null) {
                      replyError(
                          e instanceof CompletionException c && c.getCause() != null
                              ? c.getCause()
                              : e);
                    } else {
                      replyValue(v);
                    }
                  } finally {
                    finish();
                  }
                });
        return true;
      }
      replyValue(value);
      return false;
    }

    private void replyValue(Object value) {
      if (oneway) {
        return;
      }
      try {
        // Free the slot before the reply can reach the caller, so its next call finds it free.
        release();
        if (!cancelled && conn.isActive()) { // a closed connection's replies are not encoded
          this.value = value;
          try {
            conn.replyOk(requestId, this);
          } finally {
            this.value = null; // encoded: the reply's bytes are all that is kept
          }
          answered = true;
        }
      } catch (RuntimeException | Error e) {
        log.warn("cannot send the reply of {}: {}", method.descriptor(), e.toString());
        reply(Status.STATUS_INTERNAL, "cannot encode the reply: " + e.getMessage(), null);
      }
    }

    private void replyError(Throwable error) {
      if (oneway) {
        return;
      }
      try {
        reply(
            Status.STATUS_APPLICATION_ERROR,
            error.getClass().getName(),
            (buf, peer) -> codec.writeError(buf, error, peer));
      } catch (RuntimeException | Error e) {
        log.warn("cannot send the exception of {}: {}", method.descriptor(), e.toString());
        reply(
            Status.STATUS_INTERNAL,
            "cannot encode the exception " + error + ": " + e.getMessage(),
            null);
      }
    }

    @Override
    public void write(ByteBuf body, PeerShapes peer) {
      codec.writeValue(body, value, method.descriptor().valueType(), peer);
    }

    @Override
    public long deadlineNanos() {
      return deadlineNanos;
    }

    @Override
    public boolean onIoThread() {
      return method.nonBlocking();
    }

    @Override
    public boolean isCancelled() {
      // The caller's CANCEL arrives a little after its deadline; the deadline alone is enough.
      return cancelled || (deadlineNanos != 0 && deadlineNanos - System.nanoTime() <= 0);
    }

    /** Gives back this call's admission permit; once, before its reply leaves. */
    void release() {
      if (RELEASED.compareAndSet(this, false, true)) {
        admission.release();
      }
    }

    private void reply(Status status, String message, BodyWriter body) {
      // Free the slot before the reply can reach the caller, so its next call finds it free.
      release();
      if (oneway || cancelled || !conn.isActive()) {
        return;
      }
      conn.reply(response(requestId, status, message), body);
      answered = true;
    }

    private void finish() {
      release();
      untrack(this);
      held.addAndGet(-bodyBytes);
      inFlight.decrementAndGet();
    }
  }
}
