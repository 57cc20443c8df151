package io.farcall.runtime.internal.invoke;

import io.farcall.CallStatus;
import io.farcall.Metadata;
import io.farcall.RpcException;
import io.farcall.ServerInterceptor;
import io.farcall.runtime.internal.codec.proto.Status;
import io.farcall.runtime.internal.invoke.CallSteps.Ended;
import io.farcall.runtime.internal.transport.Frame;
import io.farcall.runtime.internal.transport.ServerConnection;

/**
 * A call of a service with server interceptors: it is also the chain they proceed through. {@link
 * #proceed} runs them in the order registered, on the thread that serves the call, then the
 * provider's method. Every interceptor whose {@code intercept} ran hears {@code onEnd} once the
 * call ended (its reply queued).
 */
final class InterceptedServerCall extends ServerCall implements ServerInterceptor.Chain {
  private int steps;

  /** The thread the chain runs on, the only one that may step through it. */
  private Thread chainThread;

  /** The outcome, once known and only if an interceptor listens for it. */
  private Ended ended = Ended.RUNNING;

  InterceptedServerCall(
      ServerConnection conn,
      Frame request,
      ProviderMethod method,
      long deadlineNanos,
      Metadata metadata) {
    super(conn, request, method, deadlineNanos, metadata);
  }

  @Override
  Object invoke() throws Throwable {
    steps = CallSteps.start();
    chainThread = Thread.currentThread();
    try {
      return proceed();
    } finally {
      steps = CallSteps.stop(steps);
    }
  }

  /** The rest of the call's path from the step running now: interceptors, then the method. */
  @Override
  public Object proceed() throws Throwable {
    ServerInterceptor[] interceptors = method.interceptors();
    steps = CallSteps.next(steps, interceptors.length, this, chainThread);
    int step = CallSteps.level(steps);
    try {
      return step < interceptors.length
          ? interceptors[step].intercept(this, this)
          : method.invoke(args);
    } finally {
      steps = CallSteps.back(steps, step);
    }
  }

  @Override
  void outcome(CallStatus status, Object value, Throwable error) {
    if (method.interceptorsObserveEnd()) {
      ended = new Ended(status, value, error, System.nanoTime());
    }
  }

  @Override
  void refused(Status status, String message) {
    outcome(statusOf(status), null, new RpcException(message));
  }

  @Override
  void ended() {
    int entered = CallSteps.entered(steps);
    if (entered == 0 || !method.interceptorsObserveEnd()) {
      return;
    }
    if (ended == Ended.RUNNING) {
      outcome(cancelledByCaller() ? CallStatus.CANCELLED : CallStatus.INTERNAL, null, null);
    }
    CallSteps.notifyEnd(method.interceptors(), entered, this);
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
    return ended.elapsedSince(arrivalNanos);
  }
}
