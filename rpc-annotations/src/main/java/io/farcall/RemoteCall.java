package io.farcall;

import java.lang.reflect.Method;

/**
 * One remote call as interceptors and provider code see it, on either side: which method, its
 * arguments, its deadline and metadata, and once it ended, its outcome.
 *
 * <p>A call is used by one thread at a time (its interceptors run one after another); it is not
 * safe to keep and use after {@link ClientInterceptor#onEnd}/{@link ServerInterceptor#onEnd}.
 */
public interface RemoteCall {
  /** Whether this is the provider's side of the call ({@link ServerInterceptor}s see those). */
  boolean isServerSide();

  /** The service's name: the {@link Remote} interface's name unless it gives one. */
  String service();

  /** The remote interface's method. */
  Method method();

  /** The method's key on the wire: its name and parameter types, such as {@code get(long)}. */
  String methodKey();

  /**
   * The call's arguments, in order; the array itself, so an interceptor may replace an argument
   * before it proceeds (a consumer's before they are sent, a provider's before the method runs).
   */
  Object[] arguments();

  /**
   * The call's metadata, writable until the call is sent (consumer) or while it is served
   * (provider). On the consumer, it holds at first what the call inherits: the following entries of
   * the call the thread serves, if any.
   */
  Metadata metadata();

  /**
   * Nanoseconds left before the call's deadline (zero or negative once it passed), or {@link
   * Long#MAX_VALUE} if it has none.
   */
  long remainingNanos();

  /** Whether the caller gave up on the call, or its deadline passed. */
  boolean isCancelled();

  /**
   * The other side's address as {@code host:port}: the provider's once one was picked (consumer
   * side), the consumer's (provider side); null before a provider was picked.
   */
  String peer();

  /**
   * Who the caller is, as the provider authenticated it: on the provider, the identity in the
   * consumer's TLS client certificate (its first URI subject alternative name, such as {@code
   * spiffe://acme/checkout}, else its subject's common name), or the name the provider's token file
   * gives the token it sent, or {@link PermissionDeniedException#ANONYMOUS}; null on the consumer.
   */
  default String identity() {
    return null;
  }

  /** How the call ended; null while it runs. */
  CallStatus status();

  /** The value the call returned, once it ended with {@link CallStatus#OK}; else null. */
  Object value();

  /** What the call ended with, once it ended with anything but {@link CallStatus#OK}; else null. */
  Throwable error();

  /**
   * Nanoseconds since the call started (on the consumer: when the first interceptor saw it; on the
   * provider: when its request arrived); once it ended, its whole duration.
   */
  long elapsedNanos();
}
