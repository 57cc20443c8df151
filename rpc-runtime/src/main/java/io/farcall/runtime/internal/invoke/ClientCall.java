package io.farcall.runtime.internal.invoke;

import io.farcall.CallStatus;
import io.farcall.ConnectionFailedException;
import io.farcall.DeadlineExceededException;
import io.farcall.InvalidCallException;
import io.farcall.Metadata;
import io.farcall.NoProviderException;
import io.farcall.PermissionDeniedException;
import io.farcall.ProviderUnavailableException;
import io.farcall.RpcException;
import io.farcall.runtime.internal.codec.PeerShapes;
import io.farcall.runtime.internal.codec.proto.Status;
import io.farcall.runtime.internal.discovery.Endpoint;
import io.farcall.runtime.internal.metrics.CallMetrics;
import io.farcall.runtime.internal.transport.BodyWriter;
import io.farcall.runtime.internal.transport.Connection;
import io.farcall.runtime.internal.transport.Frame;
import io.farcall.runtime.internal.transport.ResponseListener;
import io.netty.buffer.ByteBuf;
import io.netty.util.Timeout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One remote call, from its first attempt to its outcome. Farcall's own steps of a call are {@link
 * #call}, read top to bottom (a service with interceptors runs them first: see {@link
 * InterceptedClientCall}):
 *
 * <ol>
 *   <li>the deadline: an asynchronous call arms its timer ({@link #onDeadline}); a synchronous
 *       caller waits in {@link #await} until the deadline at most;
 *   <li>failover and retry: {@link #attempt} picks a provider not tried yet, and {@link
 *       #retryOrFail} moves to another when the request certainly did not run (not written,
 *       provider overloaded or shutting down), or after it may have been written only for
 *       {@code @Idempotent} methods; always within the deadline and the retry budget;
 *   <li>load balancing: {@link #pick} leaves ejected providers out, then asks the balancer;
 *   <li>transport: {@link Attempt#send} encodes header and arguments and writes the frame on the
 *       provider's shared connection; {@link Attempt#onResponse} maps the reply's status to a value
 *       or an exception (a synchronous call's value is decoded on the caller's thread).
 * </ol>
 */
class ClientCall {
  private static final VarHandle OUTCOME;
  private static final VarHandle ENDED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      OUTCOME = lookup.findVarHandle(ClientCall.class, "outcome", Object.class);
      ENDED = lookup.findVarHandle(Attempt.class, "ended", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The outcome of a call whose value is null. */
  private static final Object NULL = new Object();

  /** Whose failure ended a call: for the status its interceptors see. */
  enum Failure {
    FARCALL,
    /** The provider's own exception. */
    APPLICATION,
    /** The caller cancelled the call, or its waiting thread was interrupted. */
    CANCELLED
  }

  /** The outcome of a call that failed. */
  private record Failed(Throwable error, Failure kind) {}

  /** The outcome of a synchronous call that got a reply: the caller decodes it (see await). */
  private record Reply(Attempt attempt, Frame frame) {}

  final ClientInvoker invoker;
  final MethodDescriptor method;
  final Object[] args;
  final long deadlineNanos;

  /** What the call sends as metadata: inherited, or written by interceptors; null for none. */
  Metadata metadata;

  /**
   * Asynchronous calls only: completed with the outcome. A synchronous call has none; its caller
   * waits for {@link #outcome} in {@link #await}, parked until the reply or the deadline, so it
   * needs neither a future nor a timer entry.
   */
  private final CompletableFuture<Object> result;

  /** Synchronous calls only: the thread waiting in {@link #await}; set before the first send. */
  private Thread caller;

  /**
   * Null while the call runs; then its value, {@link #NULL}, a {@link Failed} or a {@link Reply}
   * (which the caller replaces with what it decoded).
   */
  @SuppressWarnings("unused") // through OUTCOME
  private volatile Object outcome;

  /** The providers tried so far, for failover: the first, and any after it. */
  private Endpoint firstTried;

  private List<Endpoint> alsoTried;
  private Timeout timer;
  private volatile Attempt current;

  /** When the call started, for its method's metrics; only if it has them. */
  private long startNanos;

  /**
   * @param metadata what the call inherits (the served call's following entries), or null
   */
  ClientCall(
      ClientInvoker invoker,
      MethodDescriptor method,
      Object[] args,
      long deadlineNanos,
      Metadata metadata) {
    this.invoker = invoker;
    this.method = method;
    this.args = args;
    this.deadlineNanos = deadlineNanos;
    this.metadata = metadata;
    this.result = method.isAsync() ? new CompletableFuture<>() : null;
  }

  /**
   * Runs the call and returns what the stub returns: the value of a synchronous method (or throws
   * its failure), the future of an asynchronous one.
   */
  Object run() throws Throwable {
    return call();
  }

  /** Farcall's own steps: see the class comment. */
  final Object call() throws Throwable {
    long now = System.nanoTime();
    CallMetrics metrics = invoker.metrics(method);
    if (metrics != null) {
      startNanos = now;
      metrics.started();
    }
    long remaining = deadlineNanos - now;
    if (remaining <= 0) {
      onDeadline();
    } else {
      if (result != null) {
        timer = invoker.timer.newTimeout(t -> onDeadline(), remaining, TimeUnit.NANOSECONDS);
      } else {
        caller = Thread.currentThread();
      }
      invoker.retryBudget.onCall();
      attempt(null);
    }
    return result != null ? userFuture() : await();
  }

  /**
   * Whose failure {@code t} is, if the call ended with it (else {@link Failure#FARCALL}): for the
   * status interceptors see.
   */
  final Failure failureOf(Throwable t) {
    return outcome instanceof Failed f && f.error == t ? f.kind : Failure.FARCALL;
  }

  private boolean isDone() {
    return outcome != null;
  }

  /**
   * The future handed to application code (asynchronous calls). It completes on a callback thread,
   * never on an event loop, so that code chained to it may block or make further synchronous calls.
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

  /**
   * Waits for a synchronous call's outcome (on the thread that made the call) and returns its
   * value, or throws its failure. At the deadline, the call fails here, as the timer would fail an
   * asynchronous one, and the provider is told to cancel. A reply is decoded here, on the caller's
   * thread, rather than on the event loop that matched it.
   */
  Object await() throws Throwable {
    Object o;
    boolean interrupted = false;
    while ((o = outcome) == null) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        onDeadline();
      } else {
        LockSupport.parkNanos(this, left);
        if (Thread.interrupted()) {
          RpcException interruption =
              new RpcException(
                  "interrupted while calling " + describe(), new InterruptedException());
          if (cancel(interruption)) {
            Thread.currentThread().interrupt();
            throw interruption;
          }
          interrupted = true; // the outcome came first: return it, interrupt flag kept
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (o instanceof Reply r) {
      o = r.attempt.decode(r.frame);
      OUTCOME.setRelease(this, o); // what the reply said, for failureOf
    }
    ended(o);
    if (o instanceof Failed f) {
      Throwable t = f.error;
      if (f.kind == Failure.APPLICATION) {
        t.addSuppressed(new RemoteCallSite(describe()));
      } else if (t instanceof RpcException) {
        // Perhaps created on an event-loop thread; its stack should show the caller's code.
        t.fillInStackTrace();
      }
      throw t;
    }
    return o == NULL ? null : o;
  }

  /**
   * Attached to an application exception rethrown in the caller: its own stack trace is the
   * provider's; this one shows where the caller made the call.
   */
  static final class RemoteCallSite extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RemoteCallSite(String call) {
      super("thrown by the provider of remote call " + call);
    }
  }

  /** Whether the caller cancelled the call (or its waiting thread was interrupted). */
  final boolean cancelledByCaller() {
    return outcome instanceof Failed f && f.kind == Failure.CANCELLED;
  }

  /** The address of the provider tried last, or null before one was picked. */
  final String peerAddress() {
    Attempt a = current;
    return a == null ? null : a.endpoint.host() + ":" + a.endpoint.port();
  }

  String describe() {
    Attempt a = current;
    return invoker.service.name()
        + "."
        + method.key()
        + (a == null ? "" : " on " + a.endpoint.host() + ":" + a.endpoint.port());
  }

  private String noProvider() {
    String refusal = invoker.refusal();
    return refusal == null
        ? "no provider of " + invoker.service.name() + " is registered"
        : "no provider of " + invoker.service.name() + " this runtime may call: " + refusal;
  }

  private void attempt(Throwable previousFailure) {
    if (isDone()) {
      return;
    }
    Endpoint next = pick();
    if (next == null) {
      complete(
          null,
          previousFailure != null
              ? previousFailure
              : new NoProviderException(invoker.service.name(), noProvider()));
      return;
    }
    if (firstTried == null) {
      firstTried = next;
    } else {
      if (alsoTried == null) {
        alsoTried = new ArrayList<>(2);
      }
      alsoTried.add(next);
    }
    Attempt a = new Attempt(next, invoker.connection(next));
    current = a;
    if (a.connection.isActive()) {
      a.send();
      return;
    }
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
    if (firstTried != null) {
      untried = new ArrayList<>(all.size());
      for (Endpoint e : all) {
        if (!e.equals(firstTried) && (alsoTried == null || !alsoTried.contains(e))) {
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
        && !isDone()
        && (refusedWhileStopping(cause) || retryAllowed())) {
      CallMetrics metrics = invoker.metrics(method);
      if (metrics != null) {
        metrics.retried();
      }
      attempt(cause);
    } else {
      complete(null, cause);
    }
  }

  private boolean retryAllowed() {
    if (invoker.retryBudget.tryRetry()) {
      return true;
    }
    CallMetrics metrics = invoker.metrics(method);
    if (metrics != null) {
      metrics.retryDenied();
    }
    return false;
  }

  /**
   * A provider that stops serving the service (shutting down, or the object unexported) refused the
   * call unread: moving it to another provider is not a retry of a failure but the hand-over that
   * stop is, so it costs nothing of the retry budget (gRPC's transparent retries work so). It is
   * still bounded: each provider is tried once per call, within its deadline.
   */
  private static boolean refusedWhileStopping(Throwable cause) {
    return cause instanceof ProviderUnavailableException p
        && p.reason() == ProviderUnavailableException.Reason.SHUTTING_DOWN;
  }

  private void onDeadline() {
    Attempt a = current;
    if (complete(null, new DeadlineExceededException("deadline exceeded calling " + describe()))) {
      if (a != null) {
        a.timedOut();
      }
    }
  }

  /**
   * Gives up on the call: the caller no longer wants the outcome. Returns false if the call had
   * already ended.
   */
  boolean cancel() {
    return cancel(new RpcException("call " + describe() + " was cancelled by the caller"));
  }

  private boolean cancel(RpcException failure) {
    Attempt a = current;
    if (settle(new Failed(failure, Failure.CANCELLED))) {
      if (a != null) {
        a.cancelOnProvider();
      }
      return true;
    }
    return false;
  }

  private boolean complete(Object value, Throwable error) {
    return settle(
        error != null ? new Failed(error, Failure.FARCALL) : value == null ? NULL : value);
  }

  /** Sets the outcome if none is set yet, and tells whoever waits for it. */
  private boolean settle(Object o) {
    if (!OUTCOME.compareAndSet(this, null, o)) {
      return false;
    }
    if (result == null) {
      LockSupport.unpark(caller);
      return true;
    }
    if (timer != null) {
      timer.cancel();
    }
    ended(o);
    if (o instanceof Failed f) {
      result.completeExceptionally(f.error);
    } else {
      result.complete(o == NULL ? null : o);
    }
    return true;
  }

  /** The status of a call that failed with {@code error}, whose failure it was {@code kind}. */
  static CallStatus statusOf(Failure kind, Throwable error) {
    return switch (kind) {
      case APPLICATION -> CallStatus.APPLICATION_ERROR;
      case CANCELLED -> CallStatus.CANCELLED;
      case FARCALL -> CallSteps.statusOf(error);
    };
  }

  /**
   * Tells the method's metrics, if it has any, how the call ended: with {@code outcome}, as {@link
   * #outcome} holds it.
   */
  private void ended(Object outcome) {
    CallMetrics metrics = invoker.metrics(method);
    if (metrics == null) {
      return;
    }
    CallStatus status;
    Throwable error = null;
    if (outcome instanceof Failed f) {
      error = f.error;
      status = statusOf(f.kind, f.error);
    } else {
      status = CallStatus.OK;
    }
    metrics.ended(status, error, System.nanoTime() - startNanos);
  }

  /**
   * One try on one provider; counts as outstanding there until it ends, exactly once. Writes the
   * call's arguments as the request body.
   */
  private final class Attempt implements ResponseListener, BodyWriter {
    final Endpoint endpoint;
    final Connection connection;
    private final ProviderHealth.Stats stats;
    volatile boolean ended; // set once, through ENDED
    private volatile long requestId = -1;

    Attempt(Endpoint endpoint, Connection connection) {
      this.endpoint = endpoint;
      this.connection = connection;
      this.stats = invoker.health.of(endpoint);
      stats.outstanding.incrementAndGet();
    }

    private boolean end() {
      if (ENDED.compareAndSet(this, false, true)) {
        stats.outstanding.decrementAndGet();
        return true;
      }
      return false;
    }

    void send() {
      if (isDone()) {
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
                metadata,
                this,
                this);
      } catch (InvalidCallException e) {
        // Metadata over this side's limits: nothing was sent; another provider would not help.
        end();
        complete(
            null, new InvalidCallException("cannot send " + describe() + ": " + e.getMessage()));
      } catch (RuntimeException e) {
        // The arguments could not be encoded: nothing was sent; another provider would not help.
        end();
        complete(null, new RpcException("cannot send " + describe() + ": " + e.getMessage(), e));
      }
    }

    @Override
    public void write(ByteBuf body, PeerShapes peer) {
      int start = body.writerIndex();
      invoker.codec.writeArguments(body, args, method.parameterTypes(), peer);
      CallMetrics metrics = invoker.metrics(method);
      if (metrics != null) {
        metrics.requestSize(body.writerIndex() - start);
      }
    }

    @Override
    public void onResponse(Frame response) {
      end();
      CallMetrics metrics = invoker.metrics(method);
      if (metrics != null) {
        metrics.replySize(response.body().readableBytes());
      }
      Status status = response.status();
      if (status == Status.STATUS_OK || status == Status.STATUS_APPLICATION_ERROR) {
        stats.onSuccess();
        if (result == null) {
          // A synchronous caller decodes the reply on its own thread.
          if (!settle(new Reply(this, response))) {
            response.release(); // the call had already ended (deadline, cancel)
          }
          return;
        }
        Object outcome = decode(response);
        if (outcome instanceof Failed f) {
          settle(f);
        } else {
          complete(outcome, null);
        }
        return;
      }
      try {
        RpcException e;
        if (status == Status.STATUS_PERMISSION_DENIED) {
          stats.onSuccess(); // a provider that answers so is healthy
          e =
              new PermissionDeniedException(
                  invoker.service.name(),
                  method.key(),
                  response
                      .header()
                      .getMetadataOrDefault(
                          Statuses.IDENTITY_KEY, PermissionDeniedException.ANONYMOUS),
                  "refused by the provider at " + endpoint.address());
        } else {
          e = Statuses.toException(status, response.header().getStatusMessage(), describe());
        }
        if (e.isRetryable()) {
          retryOrFail(e);
        } else {
          complete(null, e);
        }
      } finally {
        response.release();
      }
    }

    /** A reply's value, or a {@link Failed} with its exception; releases the reply. */
    Object decode(Frame response) {
      try {
        if (response.status() == Status.STATUS_OK) {
          return invoker.codec.readValue(response.body(), method.valueType());
        }
        return new Failed(
            invoker.codec.readError(
                response.body(), method.exceptionTypes(), invoker.service.type().getClassLoader()),
            Failure.APPLICATION);
      } catch (RuntimeException e) {
        return new Failed(
            new RpcException("cannot decode the reply of " + describe() + ": " + e.getMessage(), e),
            Failure.FARCALL);
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
