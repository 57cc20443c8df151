package io.farcall.runtime.internal.invoke;

import io.farcall.CallStatus;
import io.farcall.ConnectionFailedException;
import io.farcall.DeadlineExceededException;
import io.farcall.InvalidCallException;
import io.farcall.Metadata;
import io.farcall.NoProviderException;
import io.farcall.ProviderUnavailableException;
import io.farcall.RemoteCall;
import io.farcall.RpcException;
import java.lang.reflect.Method;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * What the consumer's and the provider's side of a call share as a {@link RemoteCall}: the method,
 * metadata and outcome interceptors see, and the stepping through the interceptors, which keeps no
 * object per step (the call is its own chain: {@link #nextStep} and {@link #stepBack} around each
 * interceptor).
 */
abstract class InterceptedCall implements RemoteCall {
  private static final Logger log = LogManager.getLogger(InterceptedCall.class);
  private static final OccasionalLog failedOnEnd =
      new OccasionalLog(log, "an interceptor's onEnd threw");

  /** The most interceptors one side of a service may have (a bit each in {@link #proceeded}). */
  static final int MAX_INTERCEPTORS = 63;

  /**
   * One side's interceptors of a service as the array its calls step through.
   *
   * @throws IllegalArgumentException if there are more than {@link #MAX_INTERCEPTORS}
   */
  static <T> T[] chain(List<? extends T> interceptors, T[] empty) {
    if (interceptors.size() > MAX_INTERCEPTORS) {
      throw new IllegalArgumentException(
          "at most " + MAX_INTERCEPTORS + " interceptors per side, got " + interceptors.size());
    }
    return interceptors.toArray(empty);
  }

  final MethodDescriptor descriptor;
  final String serviceName;
  final long startNanos = System.nanoTime();

  /** Created when first asked for or received, else null. */
  Metadata metadata;

  private CallStatus status;
  private Object value;
  private Throwable error;
  private long endNanos;

  /** The interceptor running now: -1 before the first. */
  private int level = -1;

  /** A bit for each interceptor that proceeded. */
  private long proceeded;

  /** How many interceptors' {@code intercept} ran, so many get {@code onEnd}. */
  private int entered;

  /** The thread running the chain, while it runs; null before and after. */
  private Thread chainThread;

  InterceptedCall(MethodDescriptor descriptor, String serviceName, Metadata metadata) {
    this.descriptor = descriptor;
    this.serviceName = serviceName;
    this.metadata = metadata;
  }

  /**
   * Moves past the interceptor running now (which may do so once) and returns the index of the next
   * step: an interceptor's if it is below {@code count}, else Farcall's own. Give the returned
   * index's predecessor back to {@link #stepBack} once the step returned.
   */
  final int nextStep(int count) {
    if (Thread.currentThread() != chainThread) {
      throw new IllegalStateException(
          "an interceptor of "
              + describe()
              + " proceeded outside its intercept: call chain.proceed() on the thread that runs"
              + " intercept, before it returns");
    }
    int i = level;
    if (i >= 0) {
      long bit = 1L << i;
      if ((proceeded & bit) != 0) {
        throw new IllegalStateException(
            "interceptor " + i + " of " + describe() + " proceeded more than once");
      }
      proceeded |= bit;
    }
    int next = i + 1;
    level = next;
    if (next < count && next >= entered) {
      entered = next + 1;
    }
    return next;
  }

  /**
   * The chain starts on this thread: {@link #nextStep} may be called on it until {@link
   * #chainEnded}.
   */
  final void chainStarts() {
    chainThread = Thread.currentThread();
  }

  /** The outermost step returned: the chain may not be stepped through again. */
  final void chainEnded() {
    chainThread = null;
  }

  /** After a step returned: the interceptor that called it runs again. */
  final void stepBack(int next) {
    level = next - 1;
  }

  /** How many interceptors must hear {@code onEnd}. */
  final int entered() {
    return entered;
  }

  /** Records the outcome interceptors see in {@code onEnd}. */
  final void ended(CallStatus status, Object value, Throwable error) {
    this.status = status;
    this.value = value;
    this.error = error;
    this.endNanos = System.nanoTime();
  }

  static void onEndFailed(Object interceptor, RuntimeException e) {
    failedOnEnd.warn(interceptor.getClass().getName() + ": " + e);
  }

  abstract String describe();

  /** The status a consumer's call that failed with {@code e} ends with. */
  static CallStatus statusOf(Throwable e) {
    if (e == null) {
      return CallStatus.OK;
    }
    if (e instanceof DeadlineExceededException) {
      return CallStatus.DEADLINE_EXCEEDED;
    }
    if (e instanceof ProviderUnavailableException p) {
      return p.reason() == ProviderUnavailableException.Reason.OVERLOADED
          ? CallStatus.OVERLOADED
          : CallStatus.SHUTTING_DOWN;
    }
    if (e instanceof NoProviderException) {
      return CallStatus.NO_PROVIDER;
    }
    if (e instanceof ConnectionFailedException) {
      return CallStatus.CONNECTION_FAILED;
    }
    if (e instanceof InvalidCallException) {
      return CallStatus.INVALID_CALL;
    }
    if (e instanceof RpcException && !(e instanceof io.farcall.RemoteException)) {
      return CallStatus.INTERNAL;
    }
    return CallStatus.APPLICATION_ERROR;
  }

  @Override
  public final String service() {
    return serviceName;
  }

  @Override
  public final Method method() {
    return descriptor.method();
  }

  @Override
  public final String methodKey() {
    return descriptor.key();
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
  public final CallStatus status() {
    return status;
  }

  @Override
  public final Object value() {
    return value;
  }

  @Override
  public final Throwable error() {
    return error;
  }

  @Override
  public final long elapsedNanos() {
    return (status == null ? System.nanoTime() : endNanos) - startNanos;
  }

  @Override
  public String toString() {
    return describe();
  }
}
