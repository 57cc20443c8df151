package io.farcall.runtime.internal.transport;

/** What a {@link ServerTransport} hands decoded requests to. Called on event-loop threads. */
public interface RequestHandler {
  /** A request or one-way call arrived; the handler owns the frame and must release it. */
  void onRequest(ServerConnection connection, Frame request);

  /** The caller gave up on {@code requestId}. */
  void onCancel(ServerConnection connection, long requestId);
}
