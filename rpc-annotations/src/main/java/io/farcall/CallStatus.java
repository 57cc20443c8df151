package io.farcall;

/**
 * How a remote call ended, as {@link RemoteCall#status()} reports it to interceptors: one constant
 * per kind of outcome a caller can tell apart.
 */
public enum CallStatus {
  /** The method returned normally. */
  OK,
  /** The method (or a server interceptor) threw; the caller gets that exception. */
  APPLICATION_ERROR,
  /** The deadline passed: {@link DeadlineExceededException}. */
  DEADLINE_EXCEEDED,
  /**
   * The provider was overloaded and did not run the call ({@link ProviderUnavailableException}).
   */
  OVERLOADED,
  /**
   * The provider was shutting down and did not run the call ({@link ProviderUnavailableException}).
   */
  SHUTTING_DOWN,
  /** The provider refused the call as sent ({@link InvalidCallException}). */
  INVALID_CALL,
  /** No provider was registered ({@link NoProviderException}). */
  NO_PROVIDER,
  /** The connection failed ({@link ConnectionFailedException}). */
  CONNECTION_FAILED,
  /** The caller cancelled the call, or the thread waiting for it was interrupted. */
  CANCELLED,
  /** The provider's authorization policy refused the caller ({@link PermissionDeniedException}). */
  PERMISSION_DENIED,
  /** Any other failure Farcall reports ({@link RpcException}). */
  INTERNAL
}
