package io.farcall.runtime.internal.invoke;

import io.farcall.CallStatus;
import io.farcall.ConnectionFailedException;
import io.farcall.DeadlineExceededException;
import io.farcall.Interceptor;
import io.farcall.InvalidCallException;
import io.farcall.NoProviderException;
import io.farcall.PermissionDeniedException;
import io.farcall.ProviderUnavailableException;
import io.farcall.RemoteCall;
import io.farcall.RemoteException;
import io.farcall.RpcException;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * What the intercepted calls of both sides share: stepping through a service's interceptors with no
 * object per step, and the outcome they hear in {@code onEnd}. A call keeps its steps in one {@code
 * int} ({@link #next}, {@link #back}): the interceptor running now (5 bits), how many ran (5 bits),
 * a bit for each that proceeded (16) and whether the chain runs (1). Calls of services without
 * interceptors never come here, and carry none of this.
 */
final class CallSteps {
  private static final Logger log = LogManager.getLogger(CallSteps.class);
  private static final OccasionalLog failedOnEnd =
      new OccasionalLog(log, "an interceptor's onEnd threw");

  /** The most interceptors one side of a service may have: a bit each in the steps. */
  static final int MAX_INTERCEPTORS = 16;

  private static final int RUNNING = 1 << 30;

  private CallSteps() {}

  /** What an interceptor's {@code onEnd} sees; {@link #RUNNING} until the call ended. */
  record Ended(CallStatus status, Object value, Throwable error, long endNanos) {
    /** The outcome of a call still running: none yet. */
    static final Ended RUNNING = new Ended(null, null, null, 0);

    /** Nanoseconds from {@code startNanos} to the end, or to now while the call runs. */
    long elapsedSince(long startNanos) {
      return (status == null ? System.nanoTime() : endNanos) - startNanos;
    }
  }

  /** Tells the first {@code entered} interceptors, innermost first, that {@code call} ended. */
  static void notifyEnd(Interceptor[] interceptors, int entered, RemoteCall call) {
    for (int i = entered - 1; i >= 0; i--) {
      try {
        interceptors[i].onEnd(call);
      } catch (RuntimeException e) {
        onEndFailed(interceptors[i], e);
      }
    }
  }

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

  /**
   * Whether any of {@code interceptors} overrides {@link Interceptor#onEnd}, which does nothing.
   */
  static boolean observeEnd(List<? extends Interceptor> interceptors) {
    for (Interceptor i : interceptors) {
      try {
        if (i.getClass().getMethod("onEnd", RemoteCall.class).getDeclaringClass()
            != Interceptor.class) {
          return true;
        }
      } catch (NoSuchMethodException e) {
        throw new AssertionError("Interceptor declares onEnd", e);
      }
    }
    return false;
  }

  /** The steps of a chain that starts now. */
  static int start() {
    return RUNNING;
  }

  /** The steps of a chain whose outermost step returned: it may not be stepped through again. */
  static int stop(int steps) {
    return steps & ~RUNNING;
  }

  /** The interceptor running now, -1 before the first. */
  static int level(int steps) {
    return (steps & 0x1f) - 1;
  }

  /** How many interceptors' {@code intercept} ran: so many hear {@code onEnd}. */
  static int entered(int steps) {
    return (steps >>> 5) & 0x1f;
  }

  /**
   * The steps once the interceptor running now (which may do so once) moved on; their {@link
   * #level} is the next step's index: an interceptor's if below {@code count}, else Farcall's own.
   *
   * @param chainThread the thread the chain started on: the only one that may step through it
   * @throws IllegalStateException if that interceptor proceeded before, or this is not the chain's
   *     thread, or the chain is not running
   */
  static int next(int steps, int count, Object call, Thread chainThread) {
    if ((steps & RUNNING) == 0 || Thread.currentThread() != chainThread) {
      throw new IllegalStateException(
          "an interceptor of "
              + call
              + " proceeded outside its intercept: call chain.proceed() on the thread that runs"
              + " intercept, before it returns");
    }
    int i = level(steps);
    if (i >= 0) {
      int bit = 1 << (10 + i);
      if ((steps & bit) != 0) {
        throw new IllegalStateException(
            "interceptor " + i + " of " + call + " proceeded more than once");
      }
      steps |= bit;
    }
    int next = i + 1;
    int entered = Math.max(entered(steps), Math.min(next + 1, count));
    return (steps & ~0x3ff) | (entered << 5) | (next + 1);
  }

  /** The steps once the step at {@code index} returned: its caller runs again. */
  static int back(int steps, int index) {
    return (steps & ~0x1f) | index;
  }

  private static void onEndFailed(Object interceptor, RuntimeException e) {
    failedOnEnd.warn(interceptor.getClass().getName() + ": " + e);
  }

  /** The status a consumer's call that failed with {@code e}, not the provider's own, ends with. */
  static CallStatus statusOf(Throwable e) {
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
    if (e instanceof PermissionDeniedException) {
      return CallStatus.PERMISSION_DENIED;
    }
    if (e instanceof RpcException && !(e instanceof RemoteException)) {
      return CallStatus.INTERNAL;
    }
    return CallStatus.APPLICATION_ERROR;
  }
}
