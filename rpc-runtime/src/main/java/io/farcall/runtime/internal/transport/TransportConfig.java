package io.farcall.runtime.internal.transport;

import java.time.Duration;

/**
 * Settings shared by the client and server transports.
 *
 * @param maxFrameSize largest frame accepted or sent, in bytes, not counting the 4-byte prefix
 * @param connectTimeout how long a connection attempt may take
 * @param heartbeatInterval idle time after which a client sends a heartbeat; a peer silent for
 *     three intervals is considered dead and its connection closed
 * @param limits what one peer may make a connection hold
 * @param tls the TLS connections are made with, or null for plaintext only
 */
public record TransportConfig(
    int maxFrameSize,
    Duration connectTimeout,
    Duration heartbeatInterval,
    ConnectionLimits limits,
    Tls tls) {

  public TransportConfig {
    if (maxFrameSize < 1024) {
      throw new IllegalArgumentException(
          "maxFrameSize must be at least 1024 bytes, got " + maxFrameSize);
    }
  }

  /** Plaintext only. */
  public TransportConfig(
      int maxFrameSize,
      Duration connectTimeout,
      Duration heartbeatInterval,
      ConnectionLimits limits) {
    this(maxFrameSize, connectTimeout, heartbeatInterval, limits, null);
  }

  /** With the default limits, plaintext only. */
  public TransportConfig(int maxFrameSize, Duration connectTimeout, Duration heartbeatInterval) {
    this(maxFrameSize, connectTimeout, heartbeatInterval, ConnectionLimits.DEFAULTS);
  }
}
