package io.farcall.runtime.internal.invoke;

import io.farcall.CallStatus;
import io.farcall.ClientInterceptor;
import io.farcall.Metadata;
import io.farcall.RemoteCall;
import io.farcall.runtime.internal.invoke.CallSteps.Ended;
import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A call of a service with client interceptors: it is also the chain they proceed through, and what
 * they see of the call. Its whole path is {@link #proceed}: the interceptors in the order
 * registered, each on the calling thread, then Farcall's own steps ({@link ClientCall#call}). Every
 * interceptor whose {@code intercept} ran hears {@code onEnd} once the application's outcome is
 * known.
 */
final class InterceptedClientCall extends ClientCall
    implements RemoteCall, ClientInterceptor.Chain {
  private final long startNanos = System.nanoTime();
  private int steps;

  /** The thread the chain runs on, the only one that may step through it. */
  private Thread chainThread;

  /** The outcome, once known and only if an interceptor listens for it. */
  private Ended ended = Ended.RUNNING;

  InterceptedClientCall(
      ClientInvoker invoker,
      MethodDescriptor method,
      Object[] args,
      long deadlineNanos,
      Metadata metadata) {
    super(invoker, method, args, deadlineNanos, metadata);
  }

  @Override
  Object run() throws Throwable {
    steps = CallSteps.start();
    chainThread = Thread.currentThread();
    if (!method.isAsync()) {
      try {
        Object v = proceed();
        end(CallStatus.OK, v, null);
        return v;
      } catch (Throwable t) {
        end(statusOf(t), null, t);
        throw t;
      } finally {
        steps = CallSteps.stop(steps);
        notifyEnd();
      }
    }
    Object r;
    try {
      r = proceed();
    } catch (Throwable t) {
      r = CompletableFuture.failedFuture(t);
    } finally {
      steps = CallSteps.stop(steps);
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
    }
    return r;
  }

  /** The rest of the call's path from the step running now: see the class comment. */
  @Override
  public Object proceed() throws Throwable {
    ClientInterceptor[] interceptors = invoker.interceptors;
    steps = CallSteps.next(steps, interceptors.length, this, chainThread);
    int step = CallSteps.level(steps);
    try {
      return step < interceptors.length ? interceptors[step].intercept(this, this) : call();
    } finally {
      steps = CallSteps.back(steps, step);
    }
  }

  private CallStatus statusOf(Throwable t) {
    return statusOf(failureOf(t), t);
  }

  private void end(CallStatus status, Object value, Throwable error) {
    if (invoker.interceptorsObserveEnd) {
      ended = new Ended(status, value, error, System.nanoTime());
    }
  }

  private void asyncEnded(Object v, Throwable e) {
    Throwable cause = e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e;
    end(cause == null ? CallStatus.OK : statusOf(cause), v, cause);
    notifyEnd();
  }

  private void notifyEnd() {
    if (!invoker.interceptorsObserveEnd) {
      return;
    }
    CallSteps.notifyEnd(invoker.interceptors, CallSteps.entered(steps), this);
  }

  @Override
  public boolean isServerSide() {
    return false;
  }

  @Override
  public String service() {
    return invoker.service.name();
  }

  @Override
  public Method method() {
    return method.method();
  }

  @Override
  public String methodKey() {
    return method.key();
  }

  @Override
  public Object[] arguments() {
    return args;
  }

  @Override
  public Metadata metadata() {
    Metadata m = metadata;
    if (m == null) {
      m = new Metadata();
      metadata = m;
    }
    return m;
  }

  @Override
  public long remainingNanos() {
    return deadlineNanos - System.nanoTime();
  }

  @Override
  public boolean isCancelled() {
    return cancelledByCaller() || deadlineNanos - System.nanoTime() <= 0;
  }

  @Override
  public String peer() {
    return peerAddress();
  }

  @Override
  public CallStatus status() {
    return ended.status();
  }

  @Override
  public Object value() {
    return ended.value();
  }

  @Override
  public Throwable error() {
    return ended.error();
  }

  @Override
  public long elapsedNanos() {
    return ended.elapsedSince(startNanos);
  }

  @Override
  public String toString() {
    return describe();
  }
}
