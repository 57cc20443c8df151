package io.farcall;

/**
 * What client and server interceptors share: {@link #onEnd}. Implement {@link ClientInterceptor},
 * {@link ServerInterceptor} or both (one object then serves both sides; {@link
 * RemoteCall#isServerSide()} tells them apart in {@code onEnd}).
 */
public interface Interceptor {
  /**
   * The call ended; {@code call} holds its outcome ({@link RemoteCall#status()}, value or error,
   * {@link RemoteCall#elapsedNanos()}). Called exactly once for each call this interceptor's {@code
   * intercept} saw, whether it proceeded or not. An exception it throws is logged and otherwise
   * ignored. Calls of asynchronous methods pay for an end hook only when some interceptor of their
   * service overrides this method.
   */
  default void onEnd(RemoteCall call) {}
}
