package io.farcall.runtime.internal.transport;

import java.time.Duration;

/**
 * Settings shared by the client and server transports.
 *
 * @param maxFrameSize largest frame accepted or sent, in bytes, not counting the 4-byte prefix
 * @param connectTimeout how long a connection attempt may take
 * @param heartbeatInterval idle time after which a client sends a heartbeat; a peer silent for
 *     three intervals is considered dead and its connection closed
 * @param maxHeaderSize largest header accepted, metadata included; checked before it is parsed
 */
public record TransportConfig(
    int maxFrameSize, Duration connectTimeout, Duration heartbeatInterval, int maxHeaderSize) {
  /**
   * 16 KiB: room for trace context, baggage and an auth token (gRPC's default for all metadata is 8
   * KiB), far below what a header map of hostile size would take to parse.
   */
  public static final int DEFAULT_MAX_HEADER_SIZE = 16 * 1024;

  public TransportConfig {
    if (maxFrameSize < 1024) {
      throw new IllegalArgumentException(
          "maxFrameSize must be at least 1024 bytes, got " + maxFrameSize);
    }
    if (maxHeaderSize < 256) {
      throw new IllegalArgumentException(
          "maxHeaderSize must be at least 256 bytes, got " + maxHeaderSize);
    }
  }

  /** With the default header limit. */
  public TransportConfig(int maxFrameSize, Duration connectTimeout, Duration heartbeatInterval) {
    this(maxFrameSize, connectTimeout, heartbeatInterval, DEFAULT_MAX_HEADER_SIZE);
  }
}
