package io.farcall.runtime.internal.invoke;

import io.farcall.ConnectionFailedException;
import io.farcall.DeadlineExceededException;
import io.farcall.NoProviderException;
import io.farcall.RpcException;
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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One remote call, from its first attempt to its outcome. The steps a call goes through are all
 * here, in order:
 *
 * <ol>
 *   <li>{@link #start}: arm the deadline timer, count the call in the retry budget, make the first
 *       attempt;
 *   <li>{@link #attempt}: pick a live provider not tried yet (ejected providers left out, then the
 *       load balancer), get its shared connection ready;
 *   <li>{@link Attempt#send}: encode header and arguments, write the frame;
 *   <li>{@link Attempt#onResponse}: map the reply's status to a value or an exception;
 *   <li>{@link #retryOrFail}: another provider is tried when the request certainly did not run (not
 *       written, provider overloaded or shutting down), or after it may have been written only for
 *       {@code @Idempotent} methods; always within the deadline and the retry budget;
 *   <li>{@link #onDeadline}: fail with {@link DeadlineExceededException} and tell the provider to
 *       cancel.
 * </ol>
 */
final class ClientCall {
  private final ClientInvoker invoker;
  private final MethodDescriptor method;
  private final Object[] args;
  private final long deadlineNanos;
  private final CompletableFuture<Object> result = new CompletableFuture<>();
  private final List<Endpoint> tried = new ArrayList<>(2);
  private Timeout timer;
  private volatile Attempt current;

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
    Attempt a = current;
    return invoker.service.name()
        + "."
        + method.key()
        + (a == null ? "" : " on " + a.endpoint.host() + ":" + a.endpoint.port());
  }

  void start() {
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining <= 0) {
      onDeadline();
      return;
    }
    timer = invoker.timer.newTimeout(t -> onDeadline(), remaining, TimeUnit.NANOSECONDS);
    invoker.retryBudget.onCall();
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
    Attempt a = new Attempt(next, invoker.transport.connection(next.host(), next.port()));
    current = a;
    CompletableFuture<Void> ready = a.connection.ready();
    if (ready.isDone() && !ready.isCompletedExceptionally()) {
      a.send();
    } else {
      ready.whenComplete(
          (v, e) -> {
            if (e == null) {
              a.send();
            } else {
              a.onFailure(e instanceof CompletionException ce ? ce.getCause() : e);
            }
          });
    }
  }

  private Endpoint pick() {
    List<Endpoint> all = invoker.endpoints();
    List<Endpoint> untried = all;
    if (!tried.isEmpty()) {
      untried = new ArrayList<>(all.size());
      for (Endpoint e : all) {
        if (!tried.contains(e)) {
          untried.add(e);
        }
      }
    }
    if (untried.isEmpty()) {
      return null;
    }
    return invoker.balancer.pick(invoker.health.usable(untried, invoker.service.name()), args);
  }

  /** After a failed attempt: another provider if the call may run there, else the failure. */
  private void retryOrFail(Throwable cause) {
    boolean mayRetry;
    if (cause instanceof RpcException r && r.isRetryable()) {
      mayRetry = true; // certainly not executed
    } else {
      mayRetry = method.isIdempotent() && cause instanceof ConnectionFailedException;
    }
    if (mayRetry
        && deadlineNanos - System.nanoTime() > 0
        && !result.isDone()
        && invoker.retryBudget.tryRetry()) {
      attempt(cause);
    } else {
      complete(null, cause);
    }
  }

  private void onDeadline() {
    Attempt a = current;
    if (complete(null, new DeadlineExceededException("deadline exceeded calling " + describe()))) {
      if (a != null) {
        a.timedOut();
      }
    }
  }

  /** Gives up on the call: the caller no longer wants the outcome. */
  void cancel() {
    Attempt a = current;
    if (complete(null, new RpcException("call " + describe() + " was cancelled by the caller"))) {
      if (a != null) {
        a.cancelOnProvider();
      }
    }
  }

  private boolean complete(Object value, Throwable error) {
    boolean done = error == null ? result.complete(value) : result.completeExceptionally(error);
    if (done && timer != null) {
      timer.cancel();
    }
    return done;
  }

  /** One try on one provider; counts as outstanding there until it ends, exactly once. */
  private final class Attempt implements ResponseListener {
    final Endpoint endpoint;
    final Connection connection;
    private final ProviderHealth.Stats stats;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile long requestId = -1;

    Attempt(Endpoint endpoint, Connection connection) {
      this.endpoint = endpoint;
      this.connection = connection;
      this.stats = invoker.health.of(endpoint);
      stats.outstanding.incrementAndGet();
    }

    private boolean end() {
      if (ended.compareAndSet(false, true)) {
        stats.outstanding.decrementAndGet();
        return true;
      }
      return false;
    }

    void send() {
      if (result.isDone()) {
        end();
        return;
      }
      long remainingNanos = deadlineNanos - System.nanoTime();
      if (remainingNanos <= 0) {
        end();
        onDeadline();
        return;
      }
      long remainingMicros = Math.max(1, TimeUnit.NANOSECONDS.toMicros(remainingNanos));
      try {
        requestId =
            connection.sendRequest(
                invoker.requestKey(method),
                System.currentTimeMillis() * 1000 + remainingMicros,
                remainingMicros,
                buf -> invoker.codec.writeArguments(buf, args, method.parameterTypes()),
                this);
      } catch (RuntimeException e) {
        // The arguments could not be encoded: nothing was sent; another provider would not help.
        end();
        complete(null, new RpcException("cannot send " + describe() + ": " + e.getMessage(), e));
      }
    }

    @Override
    public void onResponse(Frame response) {
      end();
      Status status = response.status();
      try {
        if (status == Status.STATUS_OK) {
          stats.onSuccess();
          complete(invoker.codec.readValue(response.body(), method.valueType()), null);
        } else if (status == Status.STATUS_APPLICATION_ERROR) {
          stats.onSuccess();
          complete(
              null,
              invoker.codec.readError(
                  response.body(),
                  method.exceptionTypes(),
                  invoker.service.type().getClassLoader()));
        } else {
          RpcException e =
              Statuses.toException(status, response.header().getStatusMessage(), describe());
          if (e.isRetryable()) {
            retryOrFail(e);
          } else {
            complete(null, e);
          }
        }
      } catch (RuntimeException e) {
        complete(
            null,
            new RpcException(
                "cannot decode the reply of " + describe() + ": " + e.getMessage(), e));
      } finally {
        response.release();
      }
    }

    @Override
    public void onFailure(Throwable cause) {
      if (end()) {
        stats.onFailure();
      }
      retryOrFail(cause);
    }

    /**
     * The call's deadline passed while this attempt waited: the provider did not answer in time.
     */
    void timedOut() {
      if (end()) {
        stats.onFailure();
      }
      cancelOnProvider();
    }

    void cancelOnProvider() {
      end();
      long id = requestId;
      if (id > 0) {
        connection.cancel(id);
      }
    }
  }
}
