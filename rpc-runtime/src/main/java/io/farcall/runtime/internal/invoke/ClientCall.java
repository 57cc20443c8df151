package io.farcall.runtime.internal.invoke;

import io.farcall.ConnectionFailedException;
import io.farcall.DeadlineExceededException;
import io.farcall.NoProviderException;
import io.farcall.RpcException;
import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.codec.proto.Kind;
import io.farcall.runtime.internal.codec.proto.Status;
import io.farcall.runtime.internal.discovery.Endpoint;
import io.farcall.runtime.internal.transport.Connection;
import io.farcall.runtime.internal.transport.Frame;
import io.farcall.runtime.internal.transport.ResponseListener;
import io.netty.util.Timeout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * One remote call, from its first attempt to its outcome. The steps a call goes through are all
 * here, in order:
 *
 * <ol>
 *   <li>{@link #start}: arm the deadline timer, then make the first attempt;
 *   <li>{@link #attempt}: pick a live provider not tried yet (load balancer), get its shared
 *       connection ready;
 *   <li>{@link #send}: encode header and arguments, write the frame;
 *   <li>{@link #onResponse}: map the reply's status to a value or an exception;
 *   <li>{@link #onFailure}: decide whether another provider may be tried: always when the request
 *       was certainly not executed (not written, provider overloaded or shutting down), and after
 *       it may have been written only for {@code @Idempotent} methods, within the deadline.
 *   <li>{@link #onDeadline}: fail with {@link DeadlineExceededException} and tell the provider to
 *       cancel.
 * </ol>
 */
final class ClientCall implements ResponseListener {
  private final ClientInvoker invoker;
  private final MethodDescriptor method;
  private final Object[] args;
  private final long deadlineNanos;
  private final CompletableFuture<Object> result = new CompletableFuture<>();
  private final List<Endpoint> tried = new ArrayList<>(2);
  private Timeout timer;

  // The attempt in flight, for cancellation and messages.
  private volatile Connection connection;
  private volatile long requestId = -1;
  private volatile Endpoint endpoint;

  ClientCall(ClientInvoker invoker, MethodDescriptor method, Object[] args, long deadlineNanos) {
    this.invoker = invoker;
    this.method = method;
    this.args = args;
    this.deadlineNanos = deadlineNanos;
  }

  CompletableFuture<Object> result() {
    return result;
  }

  /**
   * The future handed to application code. It completes on a callback thread, never on an event
   * loop, so that code chained to it may block or make further synchronous calls.
   */
  CompletableFuture<Object> userFuture() {
    CompletableFuture<Object> user = new CompletableFuture<>();
    result.whenCompleteAsync(
        (v, e) -> {
          if (e != null) {
            user.completeExceptionally(e instanceof CompletionException c ? c.getCause() : e);
          } else {
            user.complete(v);
          }
        },
        invoker.callbackExecutor);
    // Cancelling the user's future cancels the call.
    user.whenComplete(
        (v, e) -> {
          if (user.isCancelled()) {
            cancel();
          }
        });
    return user;
  }

  String describe() {
    Endpoint e = endpoint;
    return invoker.service.name()
        + "."
        + method.key()
        + (e == null ? "" : " on " + e.host() + ":" + e.port());
  }

  void start() {
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining <= 0) {
      onDeadline();
      return;
    }
    timer = invoker.timer.newTimeout(t -> onDeadline(), remaining, TimeUnit.NANOSECONDS);
    attempt(null);
  }

  private void attempt(Throwable previousFailure) {
    if (result.isDone()) {
      return;
    }
    Endpoint next = pick();
    if (next == null) {
      complete(
          null,
          previousFailure != null
              ? previousFailure
              : new NoProviderException(
                  invoker.service.name(),
                  "no provider of " + invoker.service.name() + " is registered"));
      return;
    }
    tried.add(next);
    endpoint = next;
    Connection c = invoker.transport.connection(next.host(), next.port());
    CompletableFuture<Void> ready = c.ready();
    if (ready.isDone() && !ready.isCompletedExceptionally()) {
      send(c);
    } else {
      ready.whenComplete(
          (v, e) -> {
            if (e == null) {
              send(c);
            } else {
              onFailure(e instanceof CompletionException ce ? ce.getCause() : e);
            }
          });
    }
  }

  private Endpoint pick() {
    List<Endpoint> all = invoker.directory.endpoints();
    if (tried.isEmpty()) {
      return all.isEmpty() ? null : invoker.balancer.pick(all);
    }
    List<Endpoint> rest = new ArrayList<>(all.size());
    for (Endpoint e : all) {
      if (!tried.contains(e)) {
        rest.add(e);
      }
    }
    return rest.isEmpty() ? null : invoker.balancer.pick(rest);
  }

  private void send(Connection c) {
    if (result.isDone()) {
      return;
    }
    long remainingNanos = deadlineNanos - System.nanoTime();
    if (remainingNanos <= 0) {
      onDeadline();
      return;
    }
    long remainingMicros = Math.max(1, TimeUnit.NANOSECONDS.toMicros(remainingNanos));
    Header.Builder header =
        Header.newBuilder()
            .setVersion(Frame.PROTOCOL_VERSION)
            .setKind(Kind.KIND_REQUEST)
            .setService(invoker.service.name())
            .setMethod(method.key())
            .setTimeoutMicros(remainingMicros)
            .setDeadlineUnixMicros(System.currentTimeMillis() * 1000 + remainingMicros);
    connection = c;
    try {
      requestId =
          c.send(
              header,
              buf -> invoker.codec.writeArguments(buf, args, method.parameterTypes()),
              this);
    } catch (RuntimeException e) {
      // The arguments could not be encoded: nothing was sent, and another provider would not help.
      complete(null, new RpcException("cannot send " + describe() + ": " + e.getMessage(), e));
    }
  }

  @Override
  public void onResponse(Frame response) {
    Header h = response.header();
    try {
      if (h.getStatus() == Status.STATUS_OK) {
        complete(invoker.codec.readValue(response.body(), method.valueType()), null);
      } else if (h.getStatus() == Status.STATUS_APPLICATION_ERROR) {
        complete(
            null,
            invoker.codec.readError(
                response.body(), method.exceptionTypes(), invoker.service.type().getClassLoader()));
      } else {
        RpcException e = Statuses.toException(h.getStatus(), h.getStatusMessage(), describe());
        if (e.isRetryable()) {
          attempt(e);
        } else {
          complete(null, e);
        }
      }
    } catch (RuntimeException e) {
      complete(
          null,
          new RpcException("cannot decode the reply of " + describe() + ": " + e.getMessage(), e));
    } finally {
      response.release();
    }
  }

  @Override
  public void onFailure(Throwable cause) {
    boolean retry;
    if (cause instanceof RpcException r && r.isRetryable()) {
      retry = true; // certainly not executed
    } else {
      retry = method.isIdempotent() && cause instanceof ConnectionFailedException;
    }
    if (retry && deadlineNanos - System.nanoTime() > 0) {
      attempt(cause);
    } else {
      complete(null, cause);
    }
  }

  private void onDeadline() {
    long timeoutMillis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    if (complete(
        null,
        new DeadlineExceededException(
            "deadline exceeded calling " + describe() + " (" + -timeoutMillis + " ms late)"))) {
      cancelOnProvider();
    }
  }

  /** Gives up on the call: the caller no longer wants the outcome. */
  void cancel() {
    if (complete(null, new RpcException("call " + describe() + " was cancelled by the caller"))) {
      cancelOnProvider();
    }
  }

  private void cancelOnProvider() {
    Connection c = connection;
    long id = requestId;
    if (c != null && id > 0) {
      c.cancel(id);
    }
  }

  private boolean complete(Object value, Throwable error) {
    boolean done = error == null ? result.complete(value) : result.completeExceptionally(error);
    if (done && timer != null) {
      timer.cancel();
    }
    return done;
  }
}
