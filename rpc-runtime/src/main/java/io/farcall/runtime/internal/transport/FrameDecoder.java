package io.farcall.runtime.internal.transport;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.codec.proto.Kind;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Splits the stream into frames ({@code length | header length | header | body}) and parses each
 * header. The length prefix is checked against the maximum before anything is allocated for the
 * frame (Netty's {@link LengthFieldBasedFrameDecoder} in fail-fast mode); a frame over the maximum,
 * a header over its limits or that does not parse, or an unknown protocol version raises an
 * exception that makes the connection close, because the stream can no longer be trusted.
 *
 * <p>A frame still arriving is watched: it must arrive within the frame timeout of its first bytes
 * (time spent not reading, for backpressure, does not count), and the memory it holds is counted in
 * a budget shared by all connections of the transport. Either one exceeded closes the connection,
 * with a log line.
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {
  private static final Logger log = LogManager.getLogger(FrameDecoder.class);

  /** Frames up to this size are copied to the heap rather than sliced; larger ones are sliced. */
  static final int HEAP_COPY_MAX = FrameEncoder.HEAP_FRAME_MAX;

  /**
   * Frames above this size are copied to the heap as well: the codec reads a sliced body through a
   * copy of its own, and above this size that would be a fresh array, with the connection's buffer
   * held all the while.
   */
  static final int SLICE_MAX = 64 * 1024;

  private final ConnectionLimits limits;
  private final MemoryBudget partialFrames;

  /** The memory of this connection's partial frame as counted in {@link #partialFrames}. */
  private long held;

  /** When the frame now arriving started ({@link System#nanoTime}); 0 when none is. */
  private long partialSince;

  private ScheduledFuture<?> watch;

  FrameDecoder(TransportConfig config, MemoryBudget partialFrames) {
    // The length counts what follows the 4-byte prefix; the decoder's maximum counts the prefix
    // too.
    super(config.maxFrameSize() + 4, 0, 4, 0, 4, true);
    this.limits = config.limits();
    this.partialFrames = partialFrames;
  }

  /** A budget for the partial frames of a transport's connections, as the limits say. */
  static MemoryBudget partialFrameBudget(ConnectionLimits limits) {
    return new MemoryBudget(limits.maxPartialFrameBytes(), "setting maxpartialframebytes");
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    super.handlerAdded(ctx);
    long period = Math.max(10, limits.frameTimeout().toMillis() / 4);
    watch =
        ctx.executor()
            .scheduleAtFixedRate(() -> checkPartial(ctx), period, period, TimeUnit.MILLISECONDS);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    if (watch != null) {
      watch.cancel(false);
    }
    partialFrames.add(-held);
    held = 0;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    try {
      super.channelRead(ctx, msg);
    } finally {
      countPartial(ctx);
    }
  }

  /** Counts what the connection's buffer holds of a frame still arriving. */
  private void countPartial(ChannelHandlerContext ctx) {
    ByteBuf buffer = internalBuffer();
    long now = buffer.isReadable() ? buffer.capacity() : 0;
    long delta = now - held;
    if (delta == 0) {
      return;
    }
    held = now;
    long total = partialFrames.add(delta);
    if (delta > 0 && partialFrames.over(total) && ctx.channel().isActive()) {
      log.warn(
          "closing connection {}: frames still arriving hold {}",
          ctx.channel().remoteAddress(),
          partialFrames.describe(total));
      ctx.close();
    }
  }

  /** Cuts off a peer whose frame takes longer than the frame timeout to arrive. */
  private void checkPartial(ChannelHandlerContext ctx) {
    if (partialSince == 0) {
      return;
    }
    long now = System.nanoTime();
    if (!ctx.channel().config().isAutoRead()) {
      partialSince = now; // this side is not reading: the peer is not to blame
      return;
    }
    if (now - partialSince > limits.frameTimeout().toNanos() && ctx.channel().isActive()) {
      log.warn(
          "closing connection {}: a frame started {} ms ago has not arrived (setting"
              + " frametimeout, {} ms); {} of its bytes came",
          ctx.channel().remoteAddress(),
          TimeUnit.NANOSECONDS.toMillis(now - partialSince),
          limits.frameTimeout().toMillis(),
          internalBuffer().readableBytes());
      partialSince = 0;
      ctx.close();
    }
  }

  @Override
  protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
    ByteBuf frame = (ByteBuf) super.decode(ctx, in);
    if (frame == null) {
      if (partialSince == 0 && in.isReadable()) {
        partialSince = System.nanoTime();
      }
      return null;
    }
    partialSince = 0;
    try {
      return parse(frame, limits);
    } finally {
      frame.release();
    }
  }

  /** As a decoder with the default limits parses it. */
  static Frame parse(ByteBuf frame) {
    return parse(frame, ConnectionLimits.DEFAULTS);
  }

  /**
   * @param limits the largest header and most metadata entries accepted: a header over either (a
   *     metadata map of hostile size) is refused before its metadata is parsed
   */
  static Frame parse(ByteBuf frame, ConnectionLimits limits) {
    int maxHeaderSize = limits.maxHeaderSize();
    int headerLength = readVarint32(frame);
    if (headerLength < 0 || headerLength > frame.readableBytes()) {
      throw new CorruptedFrameException(
          "header length "
              + headerLength
              + " exceeds frame ("
              + frame.readableBytes()
              + " B left)");
    }
    if (headerLength > maxHeaderSize) {
      return refusal(
          frame,
          headerLength,
          "header of "
              + headerLength
              + " bytes exceeds the maximum header size of "
              + maxHeaderSize
              + " bytes (setting maxheadersize)");
    }
    int start = frame.readerIndex();
    int length = frame.writerIndex() - start;
    // The frame keeps its header bytes in front of the body, for Frame.header() on demand.
    ByteBuf kept;
    if (length <= HEAP_COPY_MAX || length > SLICE_MAX) {
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
      return parseFully(frame, headerLength, limits.maxMetadataEntries());
    }
    if (fast.version() != Frame.PROTOCOL_VERSION) {
      fast.release();
      throw unsupportedVersion(fast.version());
    }
    return fast;
  }

  /** Headers the fast reader leaves alone (metadata, unknown fields, malformed bytes) come here. */
  private static Frame parseFully(ByteBuf frame, int headerLength, int maxMetadataEntries) {
    Header header;
    try {
      int entries = metadataEntries(frame.nioBuffer(frame.readerIndex(), headerLength));
      if (entries > maxMetadataEntries) {
        return refusal(
            frame,
            headerLength,
            "header with "
                + entries
                + " metadata entries, more than the limit of "
                + maxMetadataEntries
                + " (setting maxmetadataentries)");
      }
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

  /**
   * A whole frame whose header is over a limit. The stream is intact (the frame's length said where
   * it ends), so a request is refused on its own: its kind and request id are read, every other
   * field skipped unparsed, and the connection, with the other calls it carries, goes on (see
   * ConnectionLimitsTest). Anything else over a limit, or a header that cannot be walked, closes
   * the connection as a corrupt stream.
   */
  private static Frame refusal(ByteBuf frame, int headerLength, String why) {
    CodedInputStream in =
        CodedInputStream.newInstance(frame.nioBuffer(frame.readerIndex(), headerLength));
    int kind = 0;
    long requestId = 0;
    int version = 0;
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        int field = WireFormat.getTagFieldNumber(tag);
        boolean varint = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT;
        if (field == Header.VERSION_FIELD_NUMBER && varint) {
          version = in.readUInt32();
        } else if (field == Header.KIND_FIELD_NUMBER && varint) {
          kind = in.readEnum();
        } else if (field == Header.REQUEST_ID_FIELD_NUMBER && varint) {
          requestId = in.readUInt64();
        } else if (!in.skipField(tag)) {
          throw new CorruptedFrameException(why);
        }
      }
    } catch (IOException e) {
      throw new CorruptedFrameException(why + "; and it does not parse: " + e.getMessage(), e);
    }
    if (version != Frame.PROTOCOL_VERSION) {
      throw unsupportedVersion(version);
    }
    if ((kind != Kind.KIND_REQUEST_VALUE && kind != Kind.KIND_ONEWAY_VALUE) || requestId == 0) {
      throw new CorruptedFrameException(why);
    }
    frame.skipBytes(frame.readableBytes());
    return Frame.refused(Kind.forNumber(kind), requestId, why);
  }

  /**
   * Counts the header's metadata entries without parsing them: each is skipped by its length. Bytes
   * the skipper cannot walk end the count there, and the parser decides on them (protobuf skips and
   * parses a few malformed varints differently); the header size limit bounds what lies beyond.
   */
  private static int metadataEntries(ByteBuffer header) {
    CodedInputStream in = CodedInputStream.newInstance(header);
    int entries = 0;
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (WireFormat.getTagFieldNumber(tag) == Header.METADATA_FIELD_NUMBER) {
          entries++;
        }
        if (!in.skipField(tag)) {
          break; // an end-group tag: the parser refuses it
        }
      }
    } catch (IOException e) {
      // left to the parser
    }
    return entries;
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
