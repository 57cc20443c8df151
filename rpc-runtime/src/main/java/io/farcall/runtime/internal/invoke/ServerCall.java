package io.farcall.runtime.internal.invoke;

import io.farcall.CallStatus;
import io.farcall.Metadata;
import io.farcall.PermissionDeniedException;
import io.farcall.RemoteCall;
import io.farcall.runtime.internal.codec.PeerShapes;
import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.codec.proto.Kind;
import io.farcall.runtime.internal.codec.proto.Status;
import io.farcall.runtime.internal.metrics.CallMetrics;
import io.farcall.runtime.internal.transport.BodyWriter;
import io.farcall.runtime.internal.transport.Frame;
import io.farcall.runtime.internal.transport.ServerConnection;
import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One request a provider admitted, from its arguments to its reply; what provider code sees of it
 * through {@link io.farcall.CurrentCall}. Its path, run on the thread that serves it ({@link
 * #run}):
 *
 * <ol>
 *   <li>the deadline checked again (it may have passed while the call waited for a thread), and a
 *       call whose consumer is gone or cancelled dropped;
 *   <li>the arguments decoded, and the request's bytes let go;
 *   <li>{@link #invoke}: the provider's method (a service with server interceptors runs them first:
 *       see {@link InterceptedServerCall});
 *   <li>the reply: the value, the exception, or for an asynchronous method either once its future
 *       completes.
 * </ol>
 *
 * Writes its reply's value as the reply body (so that a reply costs no lambda).
 */
class ServerCall implements Runnable, CallContext.Served, BodyWriter, ServerConnection.Served {
  private static final Logger log = LogManager.getLogger(ServerCall.class);
  private static final VarHandle RELEASED;

  static {
    try {
      RELEASED = MethodHandles.lookup().findVarHandle(ServerCall.class, "released", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final ProviderMethod method;
  final ServerConnection conn;
  final long requestId;
  private Frame request; // until its arguments are read: a header is kept no longer
  private final int bodyBytes;
  private final long deadlineNanos;
  final long arrivalNanos = System.nanoTime();
  private final boolean oneway;
  Object[] args;
  private volatile boolean cancelled;
  private volatile boolean released; // the admission slot was given back; once, through RELEASED
  private Object value; // the reply's value, for write()
  private volatile boolean answered; // a reply was queued

  /** Created when first asked for or received, else null. */
  private Metadata metadata;

  /** Whether the method's metrics (if it has any) were told how the call ended. */
  private boolean measured;

  ServerCall(
      ServerConnection conn,
      Frame request,
      ProviderMethod method,
      long deadlineNanos,
      Metadata metadata) {
    this.conn = conn;
    this.bodyBytes = request.body().readableBytes();
    this.requestId = request.requestId();
    this.request = request;
    this.method = method;
    this.deadlineNanos = deadlineNanos;
    this.metadata = metadata;
    this.oneway = request.kind() == Kind.KIND_ONEWAY;
    CallMetrics metrics = method.metrics();
    if (metrics != null) {
      metrics.started();
      metrics.requestSize(bodyBytes);
    }
    conn.track(requestId, this);
  }

  boolean nonBlocking() {
    return method.nonBlocking();
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
    try {
      if (cancelled) {
        return false;
      }
      if (deadlineNanos != 0 && deadlineNanos - System.nanoTime() <= 0) {
        reply(Status.STATUS_DEADLINE_EXCEEDED, "deadline passed before the call could start", null);
        return false;
      }
      if (!conn.isActive()) {
        return false; // the consumer is gone: nobody would get the reply
      }
      args =
          method.owner().codec.readArguments(request.body(), method.descriptor().parameterTypes());
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
      method
          .owner()
          .undecodable
          .warn(why + ", for " + method.descriptor() + " from " + conn.remoteAddress());
      reply(Status.STATUS_INVALID_ARGUMENT, why, null);
      return false;
    } finally {
      request.release();
      request = null;
    }
    Object value;
    RemoteCall previous = CallContext.enter(this);
    try {
      value = invoke();
    } catch (Throwable t) {
      replyError(t);
      return false;
    } finally {
      CallContext.restore(previous);
    }
    if (method.descriptor().isAsync()) {
      if (!(value instanceof CompletableFuture<?> future)) {
        replyError(
            value == null
                ? new NullPointerException(method.descriptor() + " returned a null future")
                : new IllegalStateException(
                    "a server interceptor of "
                        + describe()
                        + " returned "
                        + value.getClass().getName()
                        + ", not the asynchronous method's CompletableFuture"));
        return false;
      }
      future.whenComplete(
          (v, e) -> {
            try {
              if (e != null) {
                replyError(
                    e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e);
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

  /** Runs the provider's method (or, with interceptors, them first); returns what it returns. */
  Object invoke() throws Throwable {
    return method.invoke(args);
  }

  /** The call ended so; for interceptors that listen (none here). */
  void outcome(CallStatus status, Object value, Throwable error) {}

  /** The call ended with a status of Farcall's own; for interceptors that listen (none here). */
  void refused(Status status, String message) {}

  /** The call ended and its admission was given back; for interceptors that listen (none here). */
  void ended() {}

  private void replyValue(Object value) {
    outcome(CallStatus.OK, value, null);
    if (oneway) {
      measured(CallStatus.OK, null);
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
    measured(CallStatus.OK, null); // unless it failed so
  }

  /**
   * Tells the method's metrics, if it has any, that the call ended now with {@code status}, unless
   * they heard of its end already.
   */
  private void measured(CallStatus status, Throwable error) {
    CallMetrics metrics = method.metrics();
    if (metrics != null && !measured) {
      measured = true;
      metrics.ended(status, error, System.nanoTime() - arrivalNanos);
    }
  }

  private void replyError(Throwable error) {
    if (error instanceof PermissionDeniedException denied) {
      replyDenied(denied);
      return;
    }
    outcome(CallStatus.APPLICATION_ERROR, null, error);
    if (oneway) {
      measured(CallStatus.APPLICATION_ERROR, error);
      return;
    }
    try {
      reply(
          Status.STATUS_APPLICATION_ERROR,
          error.getClass().getName(),
          (buf, peer) -> method.owner().codec.writeError(buf, error, peer));
    } catch (RuntimeException | Error e) {
      log.warn("cannot send the exception of {}: {}", method.descriptor(), e.toString());
      reply(
          Status.STATUS_INTERNAL,
          "cannot encode the exception " + error + ": " + e.getMessage(),
          null);
    }
    measured(CallStatus.APPLICATION_ERROR, error); // unless it failed so
  }

  /**
   * The authorization policy (or an interceptor) refused the caller: a status of its own, which the
   * consumer turns into a {@link PermissionDeniedException} naming whom the provider saw.
   */
  private void replyDenied(PermissionDeniedException denied) {
    outcome(CallStatus.PERMISSION_DENIED, null, denied);
    release();
    if (!oneway && !cancelled && conn.isActive()) {
      conn.reply(
          response(requestId, Status.STATUS_PERMISSION_DENIED, denied.getMessage()).toBuilder()
              .putMetadata(Statuses.IDENTITY_KEY, denied.identity())
              .build(),
          null);
      answered = true;
    }
    measured(CallStatus.PERMISSION_DENIED, denied);
  }

  @Override
  public void write(ByteBuf body, PeerShapes peer) {
    int start = body.writerIndex();
    method.owner().codec.writeValue(body, value, method.descriptor().valueType(), peer);
    CallMetrics metrics = method.metrics();
    if (metrics != null) {
      metrics.replySize(body.writerIndex() - start);
    }
  }

  @Override
  public void cancel() {
    cancelled = true;
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
  public Metadata metadataIfAny() {
    return metadata;
  }

  @Override
  public final Metadata metadata() {
    Metadata m = metadata;
    if (m == null) {
      m = new Metadata();
      metadata = m;
    }
    return m;
  }

  @Override
  public final String service() {
    return method.service();
  }

  @Override
  public final Method method() {
    return method.descriptor().method();
  }

  @Override
  public final String methodKey() {
    return method.descriptor().key();
  }

  /** Null while the call runs: only interceptors hear how it ended. */
  @Override
  public CallStatus status() {
    return null;
  }

  @Override
  public Object value() {
    return null;
  }

  @Override
  public Throwable error() {
    return null;
  }

  @Override
  public long elapsedNanos() {
    return System.nanoTime() - arrivalNanos;
  }

  @Override
  public String toString() {
    return describe();
  }

  @Override
  public boolean isServerSide() {
    return true;
  }

  @Override
  public Object[] arguments() {
    return args;
  }

  @Override
  public long remainingNanos() {
    return deadlineNanos == 0 ? Long.MAX_VALUE : deadlineNanos - System.nanoTime();
  }

  @Override
  public boolean isCancelled() {
    // The caller's CANCEL arrives a little after its deadline; the deadline alone is enough.
    return cancelled || (deadlineNanos != 0 && deadlineNanos - System.nanoTime() <= 0);
  }

  @Override
  public String peer() {
    return conn.remoteAddress();
  }

  @Override
  public String identity() {
    return method.owner().identities.of(conn, metadata);
  }

  String describe() {
    return method.service() + "." + method.descriptor().key() + " from " + conn.remoteAddress();
  }

  /** Gives back this call's admission slot; once, before its reply leaves. */
  private void release() {
    if (RELEASED.compareAndSet(this, false, true)) {
      method.owner().admission.exit();
    }
  }

  private void reply(Status status, String message, BodyWriter body) {
    if (status != Status.STATUS_APPLICATION_ERROR) { // replyError said so already
      refused(status, message);
    }
    // Free the slot before the reply can reach the caller, so its next call finds it free.
    release();
    if (!oneway && !cancelled && conn.isActive()) {
      conn.reply(response(requestId, status, message), body);
      answered = true;
    }
    if (status != Status.STATUS_APPLICATION_ERROR) { // replyError tells its own
      measured(statusOf(status), null);
    }
  }

  /** Ends the call: exactly once, after its reply (if any) was queued. */
  final void finish() {
    release();
    conn.untrack(requestId, this);
    method.owner().admission.unhold(bodyBytes);
    method.exported().exit();
    ended();
    measured(CallStatus.CANCELLED, null); // unless it ended otherwise: no reply, the consumer left
  }

  /** Whether the consumer cancelled the call. */
  final boolean cancelledByCaller() {
    return cancelled;
  }

  /** Refuses {@code request} without serving it. */
  static void refuse(ServerConnection conn, long requestId, Status status, String message) {
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

  static CallStatus statusOf(Status s) {
    return switch (s) {
      case STATUS_OK -> CallStatus.OK;
      case STATUS_APPLICATION_ERROR -> CallStatus.APPLICATION_ERROR;
      case STATUS_DEADLINE_EXCEEDED -> CallStatus.DEADLINE_EXCEEDED;
      case STATUS_RESOURCE_EXHAUSTED -> CallStatus.OVERLOADED;
      case STATUS_UNAVAILABLE -> CallStatus.SHUTTING_DOWN;
      case STATUS_NOT_FOUND, STATUS_INVALID_ARGUMENT -> CallStatus.INVALID_CALL;
      case STATUS_CANCELLED -> CallStatus.CANCELLED;
      case STATUS_PERMISSION_DENIED -> CallStatus.PERMISSION_DENIED;
      default -> CallStatus.INTERNAL;
    };
  }
}
