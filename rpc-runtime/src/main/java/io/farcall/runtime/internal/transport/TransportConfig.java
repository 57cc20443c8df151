package io.farcall.runtime.internal.transport;

import java.time.Duration;

/**
 * Settings shared by the client and server transports.
 *
 * @param maxFrameSize largest frame accepted or sent, in bytes, not counting the 4-byte prefix
 * @param connectTimeout how long a connection attempt may take
 * @param heartbeatInterval idle time after which a client sends a heartbeat; a peer silent for
 *     three intervals is considered dead and its connection closed
 */
public record TransportConfig(
    int maxFrameSize, Duration connectTimeout, Duration heartbeatInterval) {
  public TransportConfig {
    if (maxFrameSize < 1024) {
      throw new IllegalArgumentException(
          "maxFrameSize must be at least 1024 bytes, got " + maxFrameSize);
    }
  }
}
