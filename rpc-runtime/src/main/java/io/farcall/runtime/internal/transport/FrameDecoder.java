package io.farcall.runtime.internal.transport;

import com.google.protobuf.CodedInputStream;
import io.farcall.runtime.internal.codec.proto.Header;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.io.IOException;

/**
 * Splits the stream into frames ({@code length | header length | header | body}) and parses each
 * header. The length prefix is checked against the maximum before anything is allocated for the
 * frame (Netty's {@link LengthFieldBasedFrameDecoder} in fail-fast mode); a frame over the maximum,
 * a header that does not parse, or an unknown protocol version raises an exception that makes the
 * connection close, because the stream can no longer be trusted.
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {
  /** Frames up to this size are copied to the heap rather than sliced; larger ones are sliced. */
  static final int HEAP_COPY_MAX = FrameEncoder.HEAP_FRAME_MAX;

  private final int maxHeaderSize;

  FrameDecoder(TransportConfig config) {
    // The length counts what follows the 4-byte prefix; the decoder's maximum counts the prefix
    // too.
    super(config.maxFrameSize() + 4, 0, 4, 0, 4, true);
    this.maxHeaderSize = config.maxHeaderSize();
  }

  @Override
  protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
    ByteBuf frame = (ByteBuf) super.decode(ctx, in);
    if (frame == null) {
      return null;
    }
    try {
      return parse(frame, maxHeaderSize);
    } finally {
      frame.release();
    }
  }

  /** As a decoder with the default header limit parses it. */
  static Frame parse(ByteBuf frame) {
    return parse(frame, TransportConfig.DEFAULT_MAX_HEADER_SIZE);
  }

  /**
   * @param maxHeaderSize the largest header accepted: one larger (a metadata map of hostile size)
   *     is refused before a byte of it is parsed
   */
  static Frame parse(ByteBuf frame, int maxHeaderSize) {
    int headerLength = readVarint32(frame);
    if (headerLength > maxHeaderSize) {
      throw new CorruptedFrameException(
          "header of "
              + headerLength
              + " bytes exceeds the maximum header size of "
              + maxHeaderSize
              + " bytes (setting maxheadersize)");
    }
    if (headerLength < 0 || headerLength > frame.readableBytes()) {
      throw new CorruptedFrameException(
          "header length "
              + headerLength
              + " exceeds frame ("
              + frame.readableBytes()
              + " B left)");
    }
    int start = frame.readerIndex();
    int length = frame.writerIndex() - start;
    // The frame keeps its header bytes in front of the body, for Frame.header() on demand.
    ByteBuf kept;
    if (length <= HEAP_COPY_MAX) {
      // The body is decoded, and the frame released, mostly on another thread (a caller, an
      // executor thread): a slice of the event loop's pooled buffer would be freed there. A heap
      // copy made here is not (see Frame.HEAP), and Kryo reads it in place.
      kept = Frame.HEAP.heapBuffer(length, length);
      kept.writeBytes(frame, start, length);
    } else {
      kept = frame.retainedSlice(start, length);
    }
    kept.readerIndex(headerLength);
    Frame fast = Frame.read(kept, headerLength);
    if (fast == null) {
      kept.release();
      return parseFully(frame, headerLength);
    }
    if (fast.version() != Frame.PROTOCOL_VERSION) {
      fast.release();
      throw unsupportedVersion(fast.version());
    }
    return fast;
  }

  /** Headers the fast reader leaves alone (metadata, unknown fields, malformed bytes) come here. */
  private static Frame parseFully(ByteBuf frame, int headerLength) {
    Header header;
    try {
      header =
          Header.parseFrom(
              CodedInputStream.newInstance(frame.nioBuffer(frame.readerIndex(), headerLength)));
    } catch (IOException e) {
      throw new CorruptedFrameException("header does not parse: " + e.getMessage(), e);
    }
    if (header.getVersion() != Frame.PROTOCOL_VERSION) {
      throw unsupportedVersion(header.getVersion());
    }
    frame.skipBytes(headerLength);
    return new Frame(header, frame.retainedSlice());
  }

  private static CorruptedFrameException unsupportedVersion(int version) {
    return new CorruptedFrameException(
        "unsupported protocol version "
            + version
            + " (this side speaks "
            + Frame.PROTOCOL_VERSION
            + ")");
  }

  private static int readVarint32(ByteBuf in) {
    int result = 0;
    for (int shift = 0; shift < 32; shift += 7) {
      if (!in.isReadable()) {
        throw new CorruptedFrameException("truncated header length");
      }
      byte b = in.readByte();
      result |= (b & 0x7f) << shift;
      if (b >= 0) {
        return result;
      }
    }
    throw new CorruptedFrameException("malformed header length varint");
  }
}
