package io.farcall.runtime.internal.transport;

import io.farcall.runtime.internal.codec.PeerShapes;
import io.netty.buffer.ByteBuf;

/**
 * The frame path of a call without a channel: a request and an OK reply encoded as the call path
 * encodes them off the event loop, and a frame parsed as a connection's decoder parses it. For
 * benchmarks that measure the codec alone, so that they need no access to the transport's
 * package-private members.
 */
public final class Frames {
  private final FrameEncoder encoder;

  /** Frames up to {@code maxFrameSize} bytes, as {@link TransportConfig#maxFrameSize()}. */
  public Frames(int maxFrameSize) {
    this.encoder = new FrameEncoder(maxFrameSize);
  }

  /** A request frame, length prefix included; the caller owns it. */
  public ByteBuf request(
      RequestKey key,
      long requestId,
      long deadlineUnixMicros,
      long timeoutMicros,
      BodyWriter body,
      PeerShapes peer) {
    return encoder.encodeRequest(
        Frame.HEAP, key, requestId, deadlineUnixMicros, timeoutMicros, body, peer);
  }

  /** An OK reply frame, length prefix included; the caller owns it. */
  public ByteBuf okReply(long requestId, BodyWriter body, PeerShapes peer) {
    return encoder.encodeOkResponse(Frame.HEAP, requestId, body, peer);
  }

  /**
   * Parses a whole frame after its length prefix, with the default limits; the frame takes its own
   * copy or slice, the caller still owns {@code frame}.
   */
  public static Frame parse(ByteBuf frame) {
    return FrameDecoder.parse(frame);
  }
}
