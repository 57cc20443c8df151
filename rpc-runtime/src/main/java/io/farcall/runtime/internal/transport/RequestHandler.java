package io.farcall.runtime.internal.transport;

import io.farcall.runtime.internal.codec.proto.Status;

/**
 * What a {@link ServerTransport} hands decoded requests to. Called on event-loop threads. Cancels
 * reach the requests the handler {@linkplain ServerConnection#track tracks}.
 */
public interface RequestHandler {
  /** A request or one-way call arrived; the handler owns the frame and must release it. */
  void onRequest(ServerConnection connection, Frame request);

  /**
   * How to answer a heartbeat that names {@code service}: {@link Status#STATUS_OK} if it is served
   * here, {@link Status#STATUS_NOT_FOUND} if not (the default, for handlers that serve no named
   * service), or {@link Status#STATUS_UNAVAILABLE} while shutting down. Must not block.
   */
  default Status health(String service) {
    return Status.STATUS_NOT_FOUND;
  }
}
