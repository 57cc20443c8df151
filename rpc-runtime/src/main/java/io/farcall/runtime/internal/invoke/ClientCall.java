package io.farcall.runtime.internal.invoke;

import io.farcall.CallStatus;
import io.farcall.ClientInterceptor;
import io.farcall.ConnectionFailedException;
import io.farcall.DeadlineExceededException;
import io.farcall.InvalidCallException;
import io.farcall.Metadata;
import io.farcall.NoProviderException;
import io.farcall.RpcException;
import io.farcall.runtime.internal.codec.PeerShapes;
import io.farcall.runtime.internal.codec.proto.Status;
import io.farcall.runtime.internal.discovery.Endpoint;
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
 * One remote call, from its first interceptor to its outcome; it is also the chain its interceptors
 * proceed through ({@link #proceed}), and what they see of the call. The whole path of a call is
 * {@link #proceed}, read top to bottom:
 *
 * <ol>
 *   <li>the service's {@link ClientInterceptor}s, in the order registered, each on the calling
 *       thread;
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
 *
 * <p>Every interceptor whose {@code intercept} ran hears {@code onEnd} once the application's
 * outcome is known ({@link #ended}).
 */
final class ClientCall extends InterceptedCall implements ClientInterceptor.Chain {
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

  /** The outcome of a call that failed; {@code application}: with the provider's exception. */
  private record Failed(Throwable error, boolean application) {}

  /** The outcome of a synchronous call that got a reply: the caller decodes it (see await). */
  private record Reply(Attempt attempt, Frame frame) {}

  private final ClientInvoker invoker;
  private final MethodDescriptor method;
  private final Object[] args;
  private final long deadlineNanos;
  private final ClientInterceptor[] interceptors;

  /**
   * Asynchronous calls only: completed with the outcome. A synchronous call has none; its caller
   * waits for {@link #outcome} in {@link #await}, parked until the reply or the deadline, so it
   * needs neither a future nor a timer entry.
   */
  private final CompletableFuture<Object> result;

  /** Synchronous calls only: the thread waiting in {@link #await}; set before the first send. */
  private Thread caller;

  /**
   * Null while the call runs; then its value, {@link #NULL}, a {@link Failed} or a {@link Reply}.
   */
  @SuppressWarnings("unused") // through OUTCOME
  private volatile Object outcome;

  /** The providers tried so far, for failover: the first, and any after it. */
  private Endpoint firstTried;

  private List<Endpoint> alsoTried;
  private Timeout timer;
  private volatile Attempt current;

  /** The provider's own exception, once the call ended with it. */
  private Throwable appFailure;

  /** What the call failed with when its caller cancelled it. */
  private volatile RpcException cancelFailure;

  /**
   * @param metadata what the call inherits (the served call's following entries), or null
   */
  ClientCall(
      ClientInvoker invoker,
      MethodDescriptor method,
      Object[] args,
      long deadlineNanos,
      Metadata metadata) {
    super(method, invoker.service.name(), metadata);
    this.invoker = invoker;
    this.method = method;
    this.args = args;
    this.deadlineNanos = deadlineNanos;
    this.interceptors = invoker.interceptors;
    this.result = method.isAsync() ? new CompletableFuture<>() : null;
  }

  /**
   * Runs the call and returns what the stub returns: the value of a synchronous method (or throws
   * its failure), the future of an asynchronous one.
   */
  Object run() throws Throwable {
    chainStarts();
    try {
      return runChain();
    } finally {
      chainEnded();
    }
  }

  private Object runChain() throws Throwable {
    if (interceptors.length == 0) {
      return proceed();
    }
    if (!method.isAsync()) {
      try {
        Object v = proceed();
        ended(CallStatus.OK, v, null);
        return v;
      } catch (Throwable t) {
        ended(endStatus(t), null, t);
        throw t;
      } finally {
        notifyEnd();
      }
    }
    Object r;
    try {
      r = proceed();
    } catch (Throwable t) {
      r = CompletableFuture.failedFuture(t);
    }
    CompletableFuture<?> f;
    if (r instanceof CompletableFuture<?> returned) {
      f = returned;
    } else {
      f =
          CompletableFuture.failedFuture(
              new IllegalStateException(
                  "a client interceptor of "
                      + describe()
                      + " returned "
                      + (r == null ? "null" : r.getClass().getName())
                      + ", not the asynchronous method's CompletableFuture"));
      r = f;
    }
    if (invoker.interceptorsObserveEnd) {
      f.whenComplete(this::asyncEnded);
    } else {
      ended(CallStatus.OK, null, null); // nobody listens: what they would see does not matter
    }
    return r;
  }

  /** The status of a call that failed with {@code t}, the failure the application sees. */
  private CallStatus endStatus(Throwable t) {
    if (t == appFailure) {
      return CallStatus.APPLICATION_ERROR;
    }
    return t == cancelFailure ? CallStatus.CANCELLED : statusOf(t);
  }

  private void asyncEnded(Object v, Throwable e) {
    Throwable cause = e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e;
    ended(cause == null ? CallStatus.OK : endStatus(cause), v, cause);
    notifyEnd();
  }

  private void notifyEnd() {
    for (int i = entered() - 1; i >= 0; i--) {
      try {
        interceptors[i].onEnd(this);
      } catch (RuntimeException e) {
        onEndFailed(interceptors[i], e);
      }
    }
  }

  /** The rest of the call's path from the step running now: see the class comment. */
  @Override
  public Object proceed() throws Throwable {
    int step = nextStep(interceptors.length);
    try {
      if (step < interceptors.length) {
        return interceptors[step].intercept(this, this);
      }
      // Farcall's own steps.
      long remaining = deadlineNanos - System.nanoTime();
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
    } finally {
      stepBack(step);
    }
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
    }
    if (o instanceof Failed f) {
      Throwable t = f.error;
      if (f.application) {
        appFailure = t;
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

  @Override
  public boolean isServerSide() {
    return false;
  }

  @Override
  public Object[] arguments() {
    return args;
  }

  @Override
  public long remainingNanos() {
    return deadlineNanos - System.nanoTime();
  }

  @Override
  public boolean isCancelled() {
    return outcome instanceof Failed f && f.error == cancelFailure
        || deadlineNanos - System.nanoTime() <= 0;
  }

  @Override
  public String peer() {
    Attempt a = current;
    return a == null ? null : a.endpoint.host() + ":" + a.endpoint.port();
  }

  @Override
  String describe() {
    Attempt a = current;
    return invoker.service.name()
        + "."
        + method.key()
        + (a == null ? "" : " on " + a.endpoint.host() + ":" + a.endpoint.port());
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
              : new NoProviderException(
                  invoker.service.name(),
                  "no provider of " + invoker.service.name() + " is registered"));
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

  /**
   * Gives up on the call: the caller no longer wants the outcome. Returns false if the call had
   * already ended.
   */
  boolean cancel() {
    return cancel(new RpcException("call " + describe() + " was cancelled by the caller"));
  }

  private boolean cancel(RpcException failure) {
    Attempt a = current;
    cancelFailure = failure; // before the outcome publishes it
    if (complete(null, failure)) {
      if (a != null) {
        a.cancelOnProvider();
      }
      return true;
    }
    return false;
  }

  private boolean complete(Object value, Throwable error) {
    return settle(error != null ? new Failed(error, false) : value == null ? NULL : value);
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
    if (o instanceof Failed f) {
      result.completeExceptionally(f.error);
    } else {
      result.complete(o == NULL ? null : o);
    }
    return true;
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
      invoker.codec.writeArguments(body, args, method.parameterTypes(), peer);
    }

    @Override
    public void onResponse(Frame response) {
      end();
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
          if (f.application) {
            appFailure = f.error;
          }
          complete(null, f.error);
        } else {
          complete(outcome, null);
        }
        return;
      }
      try {
        RpcException e =
            Statuses.toException(status, response.header().getStatusMessage(), describe());
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
            true);
      } catch (RuntimeException e) {
        return new Failed(
            new RpcException("cannot decode the reply of " + describe() + ": " + e.getMessage(), e),
            false);
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
