package io.farcall.runtime.internal.transport;

/**
 * Hears how one request on a {@link Connection} ended. Exactly one method is called, once, on an
 * event-loop thread (or the sending thread when the send itself fails).
 */
public interface ResponseListener {
  /** The reply arrived; the listener owns the frame and must release it. */
  void onResponse(Frame response);

  /**
   * The connection failed. A {@link io.farcall.ConnectionFailedException} tells whether the request
   * may have been written.
   */
  void onFailure(Throwable cause);
}
