package io.farcall.runtime.internal.transport;

import java.time.Duration;

/**
 * What one peer may make a connection hold, on both sides: each limit protects a provider from its
 * consumers and a consumer from its providers. The defaults hold at {@code -Xmx256m} (whose direct
 * memory limit is also 256 MiB) under every attack the robustness tests make.
 *
 * @param maxHeaderSize largest header accepted, metadata included, in bytes; checked before it is
 *     parsed
 * @param maxMetadataEntries most metadata entries one header may carry; counted before they are
 *     parsed
 * @param frameTimeout how long a frame may take to arrive once its first bytes did: a peer that
 *     trickles a frame (one byte a second keeps any idle timer quiet) is cut off after it
 * @param maxPartialFrameBytes memory that frames still arriving may hold across all connections of
 *     a transport; the connection whose frame would take more is closed
 * @param highWaterMark bytes waiting to be written to one peer above which its connection stops
 *     reading (no new requests are read from it) until they drain below half of it
 * @param maxQueuedBytes bytes waiting to be written to one peer beyond which, on a provider, its
 *     connection is closed (a consumer that does not read its replies cannot make it keep them
 *     all), and on a consumer, requests are refused before they are sent (retryably)
 * @param maxQueuedBytesTotal bytes waiting to be written across all connections of a provider;
 *     beyond it, a connection backlogged past its high-water mark is closed at its next write
 */
public record ConnectionLimits(
    int maxHeaderSize,
    int maxMetadataEntries,
    Duration frameTimeout,
    long maxPartialFrameBytes,
    int highWaterMark,
    long maxQueuedBytes,
    long maxQueuedBytesTotal) {

  /**
   * 16 KiB: room for trace context, baggage and an auth token (gRPC's default for all metadata is 8
   * KiB), far below what a header map of hostile size would take to parse.
   */
  public static final int DEFAULT_MAX_HEADER_SIZE = 16 * 1024;

  public static final ConnectionLimits DEFAULTS =
      new ConnectionLimits(
          DEFAULT_MAX_HEADER_SIZE,
          64,
          Duration.ofSeconds(10),
          64L << 20,
          1 << 20,
          64L << 20,
          128L << 20);

  public ConnectionLimits {
    if (maxHeaderSize < 256) {
      throw new IllegalArgumentException(
          "maxHeaderSize must be at least 256 bytes, got " + maxHeaderSize);
    }
    if (maxMetadataEntries < 0) {
      throw new IllegalArgumentException(
          "maxMetadataEntries must not be negative, got " + maxMetadataEntries);
    }
    if (frameTimeout.isNegative() || frameTimeout.isZero()) {
      throw new IllegalArgumentException("frameTimeout must be positive, got " + frameTimeout);
    }
    if (highWaterMark < 2 || maxQueuedBytes < highWaterMark) {
      throw new IllegalArgumentException(
          "the high-water mark ("
              + highWaterMark
              + ") must be at least 2 bytes and at most the queued-bytes limit ("
              + maxQueuedBytes
              + ")");
    }
  }

  /** The low-water mark: half the high one. */
  public int lowWaterMark() {
    return highWaterMark / 2;
  }

  public ConnectionLimits withMaxHeaderSize(int bytes) {
    return new ConnectionLimits(
        bytes,
        maxMetadataEntries,
        frameTimeout,
        maxPartialFrameBytes,
        highWaterMark,
        maxQueuedBytes,
        maxQueuedBytesTotal);
  }

  public ConnectionLimits withFrameTimeout(Duration timeout) {
    return new ConnectionLimits(
        maxHeaderSize,
        maxMetadataEntries,
        timeout,
        maxPartialFrameBytes,
        highWaterMark,
        maxQueuedBytes,
        maxQueuedBytesTotal);
  }

  public ConnectionLimits withMaxPartialFrameBytes(long bytes) {
    return new ConnectionLimits(
        maxHeaderSize,
        maxMetadataEntries,
        frameTimeout,
        bytes,
        highWaterMark,
        maxQueuedBytes,
        maxQueuedBytesTotal);
  }

  public ConnectionLimits withQueued(int highWaterMark, long perConnection, long total) {
    return new ConnectionLimits(
        maxHeaderSize,
        maxMetadataEntries,
        frameTimeout,
        maxPartialFrameBytes,
        highWaterMark,
        perConnection,
        total);
  }
}
