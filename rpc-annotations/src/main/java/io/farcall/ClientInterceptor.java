package io.farcall;

/**
 * Wraps every remote call a consumer makes: logging, timing, metrics, trace context, credentials.
 * Register one with {@code Farcall.builder().intercept(...)}, with the agent option {@code
 * interceptors=com.acme.Timing}, or as a {@link java.util.ServiceLoader} provider of this
 * interface.
 *
 * <p>{@link #intercept} runs on the thread that makes the call, before anything is sent, for
 * synchronous and {@code CompletableFuture} methods alike. It returns what the method returns: the
 * value of a synchronous method, the future of an asynchronous one. To go on it calls {@link
 * Chain#proceed()} (at most once); to answer the call itself it returns a value (or a future) or
 * throws, and nothing is sent. Interceptors run in the order registered; the first one registered
 * is the outermost.
 *
 * <p>{@link #onEnd} is called exactly once per call {@code intercept} saw, with the outcome the
 * application sees ({@link RemoteCall#status()}, value or error, duration): on the calling thread
 * for a synchronous method, when its future completes for an asynchronous one. Interceptors must be
 * thread-safe.
 */
@FunctionalInterface
public interface ClientInterceptor extends Interceptor {
  /**
   * Runs the call: returns {@code chain.proceed()}, possibly after changing metadata or arguments,
   * or answers it without sending.
   */
  Object intercept(RemoteCall call, Chain chain) throws Throwable;

  /** The rest of the call's path: the interceptors after this one, then Farcall's own steps. */
  interface Chain {
    /**
     * Runs the rest of the path and returns what the method returns (for an asynchronous method,
     * its future at once). Throws what a synchronous call ends with.
     *
     * @throws IllegalStateException if this interceptor already proceeded with this call, or calls
     *     this on another thread than its {@code intercept}, or after it returned
     */
    Object proceed() throws Throwable;
  }
}
