package io.farcall;

/**
 * Wraps every remote call a provider serves: authorization, logging, metrics, trace context.
 * Register one with {@code Farcall.builder().intercept(...)}, with the agent option {@code
 * interceptors=com.acme.Audit}, or as a {@link java.util.ServiceLoader} provider of this interface.
 *
 * <p>{@link #intercept} runs on the thread that runs the provider's method (an executor thread, or
 * the I/O thread for {@link NonBlocking} methods), with {@link CurrentCall} set, once the call was
 * admitted, its deadline checked and its arguments decoded. It returns what the method returns (the
 * future of an asynchronous one): {@link Chain#proceed()} runs the method (at most once); returning
 * a value or throwing instead answers the call without running it, and what it throws reaches the
 * caller as an exception the method threw would. Interceptors run in the order registered; the
 * first one registered is the outermost.
 *
 * <p>{@link #onEnd} is called exactly once per call {@code intercept} saw, once its reply was
 * queued (or the call ended without one), with its outcome. Interceptors must be thread-safe; an
 * exception thrown by {@code onEnd} is logged and otherwise ignored.
 */
@FunctionalInterface
public interface ServerInterceptor extends Interceptor {
  /** Serves the call: returns {@code chain.proceed()}, or answers it without running the method. */
  Object intercept(RemoteCall call, Chain chain) throws Throwable;

  /** The rest of the call's path: the interceptors after this one, then the provider's method. */
  interface Chain {
    /**
     * Runs the rest of the path and returns what the method returned (its future, if it is
     * asynchronous); throws what it threw.
     *
     * @throws IllegalStateException if this interceptor already proceeded with this call, or calls
     *     this on another thread than its {@code intercept}, or after it returned
     */
    Object proceed() throws Throwable;
  }
}
