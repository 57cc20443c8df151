package io.farcall.runtime.internal.invoke;

import io.farcall.CallStatus;
import io.farcall.Metadata;
import io.farcall.RemoteCall;
import io.farcall.ServerInterceptor;
import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.codec.PeerShapes;
import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.codec.proto.Kind;
import io.farcall.runtime.internal.codec.proto.Status;
import io.farcall.runtime.internal.transport.BodyWriter;
import io.farcall.runtime.internal.transport.Frame;
import io.farcall.runtime.internal.transport.ServerConnection;
import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One request a provider admitted, from its arguments to its reply; it is also the chain its server
 * interceptors proceed through, and what they and the provider code ({@link
 * io.farcall.CurrentCall}) see of the call. Its path, run on the thread that serves it ({@link
 * #run}):
 *
 * <ol>
 *   <li>the deadline checked again (it may have passed while the call waited for a thread), and a
 *       call whose consumer is gone or cancelled dropped;
 *   <li>the arguments decoded, and the request's bytes let go;
 *   <li>{@link #proceed}: the service's {@link ServerInterceptor}s in the order registered, then
 *       the provider's method;
 *   <li>the reply: the value, the exception, or for an asynchronous method both once its future
 *       completes; then every interceptor that ran hears {@code onEnd}.
 * </ol>
 *
 * Writes its reply's value as the reply body (so that a reply costs no lambda).
 */
final class ServerCall extends InterceptedCall
    implements Runnable,
        CallContext.Served,
        BodyWriter,
        ServerConnection.Served,
        ServerInterceptor.Chain {
  private static final Logger log = LogManager.getLogger(ServerCall.class);
  private static final VarHandle RELEASED;

  static {
    try {
      RELEASED = MethodHandles.lookup().findVarHandle(ServerCall.class, "released", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final BodyCodec codec;
  private final Admission admission;
  private final OccasionalLog undecodable;
  final ServerConnection conn;
  final long requestId;
  private Frame request; // until its arguments are read: a header is kept no longer
  private final int bodyBytes;
  private final ProviderMethod method;
  private final long deadlineNanos;
  private final boolean oneway;
  private Object[] args;
  private volatile boolean cancelled;
  private volatile boolean released; // the admission slot was given back; once, through RELEASED
  private Object value; // the reply's value, for write()
  private volatile boolean answered; // a reply was queued

  ServerCall(
      Dispatcher dispatcher,
      ServerConnection conn,
      Frame request,
      ProviderMethod method,
      long deadlineNanos,
      Metadata metadata) {
    super(method.descriptor(), method.service(), metadata);
    this.codec = dispatcher.codec;
    this.admission = dispatcher.admission;
    this.undecodable = dispatcher.undecodable;
    this.conn = conn;
    this.bodyBytes = request.body().readableBytes();
    this.requestId = request.requestId();
    this.request = request;
    this.method = method;
    this.deadlineNanos = deadlineNanos;
    this.oneway = request.kind() == Kind.KIND_ONEWAY;
    conn.track(requestId, this);
  }

  int bodyBytes() {
    return bodyBytes;
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
    RemoteCall previous = CallContext.enter(this);
    chainStarts();
    try {
      value = proceed();
    } catch (Throwable t) {
      replyError(t);
      return false;
    } finally {
      chainEnded();
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

  /** The rest of the call's path from the step running now: interceptors, then the method. */
  @Override
  public Object proceed() throws Throwable {
    ServerInterceptor[] interceptors = method.interceptors();
    int step = nextStep(interceptors.length);
    try {
      return step < interceptors.length
          ? interceptors[step].intercept(this, this)
          : method.invoke(args);
    } finally {
      stepBack(step);
    }
  }

  private void replyValue(Object value) {
    if (entered() > 0) {
      ended(CallStatus.OK, value, null);
    }
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
    if (entered() > 0) {
      ended(CallStatus.APPLICATION_ERROR, null, error);
    }
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
  String describe() {
    return serviceName + "." + method.descriptor().key() + " from " + conn.remoteAddress();
  }

  /** Gives back this call's admission slot; once, before its reply leaves. */
  private void release() {
    if (RELEASED.compareAndSet(this, false, true)) {
      admission.exit();
    }
  }

  private void reply(Status status, String message, BodyWriter body) {
    if (entered() > 0 && status() == null) {
      ended(statusOf(status), null, new io.farcall.RpcException(message));
    }
    // Free the slot before the reply can reach the caller, so its next call finds it free.
    release();
    if (oneway || cancelled || !conn.isActive()) {
      return;
    }
    conn.reply(response(requestId, status, message), body);
    answered = true;
  }

  /** Ends the call: exactly once, after its reply (if any) was queued. */
  void finish() {
    release();
    conn.untrack(requestId, this);
    admission.ended(bodyBytes);
    ServerInterceptor[] interceptors = method.interceptors();
    if (entered() > 0) {
      if (status() == null) {
        ended(cancelled ? CallStatus.CANCELLED : CallStatus.INTERNAL, null, null);
      }
      for (int i = entered() - 1; i >= 0; i--) {
        try {
          interceptors[i].onEnd(this);
        } catch (RuntimeException e) {
          onEndFailed(interceptors[i], e);
        }
      }
    }
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

  private static CallStatus statusOf(Status s) {
    return switch (s) {
      case STATUS_OK -> CallStatus.OK;
      case STATUS_APPLICATION_ERROR -> CallStatus.APPLICATION_ERROR;
      case STATUS_DEADLINE_EXCEEDED -> CallStatus.DEADLINE_EXCEEDED;
      case STATUS_RESOURCE_EXHAUSTED -> CallStatus.OVERLOADED;
      case STATUS_UNAVAILABLE -> CallStatus.SHUTTING_DOWN;
      case STATUS_NOT_FOUND, STATUS_INVALID_ARGUMENT -> CallStatus.INVALID_CALL;
      case STATUS_CANCELLED -> CallStatus.CANCELLED;
      default -> CallStatus.INTERNAL;
    };
  }
}
