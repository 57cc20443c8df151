package io.farcall.runtime.internal.transport;

import com.google.common.base.Throwables;
import com.google.protobuf.CodedOutputStream;
import io.farcall.RpcException;
import io.farcall.runtime.internal.codec.PeerShapes;
import io.farcall.runtime.internal.codec.proto.Header;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;

/**
 * Builds one frame in a buffer from the allocator the caller names: {@code length | header length |
 * header | body}. Encoding happens on the calling thread, so the event loop only writes finished
 * bytes; {@link WriteQueue#allocator()} says which allocator suits the calling thread.
 *
 * <p>Requests and OK replies, the frames of every call, are written without building a {@link
 * Header}: the constant fields are precomputed protobuf bytes and the numbers are appended as
 * varints, in field order, exactly as protobuf would write them (see HeaderBytesTest).
 */
final class FrameEncoder {
  /** version = 1, kind = KIND_REQUEST. */
  private static final byte[] REQUEST_PREFIX = {0x08, Frame.PROTOCOL_VERSION, 0x10, 0x01};

  /** version = 1, kind = KIND_RESPONSE. */
  private static final byte[] RESPONSE_PREFIX = {0x08, Frame.PROTOCOL_VERSION, 0x10, 0x02};

  private static final int REQUEST_ID_TAG = 3 << 3;
  private static final int DEADLINE_TAG = 6 << 3;
  private static final int TIMEOUT_TAG = 7 << 3;

  /** Frames up to this size made off the event loop live on the heap; see {@link Scratch}. */
  static final int HEAP_FRAME_MAX = 4 * 1024;

  private final int maxFrameSize;

  public FrameEncoder(int maxFrameSize) {
    this.maxFrameSize = maxFrameSize;
  }

  /**
   * Returns a buffer holding the whole frame; the caller owns it. The body writer appends the body
   * at the buffer's writer index. Throws {@link RpcException} if the frame would exceed the maximum
   * frame size, which the peer would refuse.
   */
  public ByteBuf encode(
      ByteBufAllocator alloc, Header header, BodyWriter bodyWriter, PeerShapes peer) {
    int headerSize = header.getSerializedSize();
    ByteBuf buf = begin(alloc, headerSize);
    try {
      buf.ensureWritable(headerSize);
      CodedOutputStream out =
          CodedOutputStream.newInstance(buf.nioBuffer(buf.writerIndex(), headerSize));
      header.writeTo(out);
      out.flush();
      buf.writerIndex(buf.writerIndex() + headerSize);
    } catch (IOException e) {
      discard(alloc, buf);
      throw new RpcException("could not encode header", e);
    } catch (RuntimeException | Error e) {
      discard(alloc, buf);
      throw e;
    }
    return finish(alloc, buf, bodyWriter, peer);
  }

  /** A frame without a body. */
  public ByteBuf encode(ByteBufAllocator alloc, Header header) {
    return encode(alloc, header, null, PeerShapes.UNKNOWN);
  }

  /**
   * A request frame for {@code key}: the header protobuf would write for version 1, {@code
   * KIND_REQUEST} and these fields (zeros left out, as protobuf does). As {@link #encode}
   * otherwise.
   */
  ByteBuf encodeRequest(
      ByteBufAllocator alloc,
      RequestKey key,
      long requestId,
      long deadlineUnixMicros,
      long timeoutMicros,
      BodyWriter bodyWriter,
      PeerShapes peer) {
    byte[] keyFields = key.headerFields();
    int headerSize =
        REQUEST_PREFIX.length
            + fieldSize(requestId)
            + keyFields.length
            + fieldSize(deadlineUnixMicros)
            + fieldSize(timeoutMicros);
    ByteBuf buf = begin(alloc, headerSize);
    buf.writeBytes(REQUEST_PREFIX);
    writeField(buf, REQUEST_ID_TAG, requestId);
    buf.writeBytes(keyFields);
    writeField(buf, DEADLINE_TAG, deadlineUnixMicros);
    writeField(buf, TIMEOUT_TAG, timeoutMicros);
    return finish(alloc, buf, bodyWriter, peer);
  }

  /**
   * A reply frame with status {@code STATUS_OK} (protobuf's default, so not written) and no
   * message. As {@link #encode} otherwise.
   */
  ByteBuf encodeOkResponse(
      ByteBufAllocator alloc, long requestId, BodyWriter bodyWriter, PeerShapes peer) {
    ByteBuf buf = begin(alloc, RESPONSE_PREFIX.length + fieldSize(requestId));
    buf.writeBytes(RESPONSE_PREFIX);
    writeField(buf, REQUEST_ID_TAG, requestId);
    return finish(alloc, buf, bodyWriter, peer);
  }

  /** A buffer with room for the length prefix, and the header length written. */
  private static ByteBuf begin(ByteBufAllocator alloc, int headerSize) {
    ByteBuf buf =
        alloc == Frame.HEAP ? Scratch.take(64 + headerSize) : alloc.buffer(64 + headerSize);
    buf.writerIndex(4);
    writeVarint(buf, headerSize);
    return buf;
  }

  /** Appends the body and fills in the length prefix; releases the buffer if that fails. */
  private ByteBuf finish(
      ByteBufAllocator alloc, ByteBuf buf, BodyWriter bodyWriter, PeerShapes peer) {
    try {
      if (bodyWriter != null) {
        int bodyStart = buf.writerIndex();
        try {
          bodyWriter.write(buf, peer);
        } catch (RuntimeException e) {
          if (!Scratch.outgrown(buf, e)) {
            throw e;
          }
          // Too large for the scratch buffer: again, straight into pooled direct memory, so that
          // a large frame costs no heap beyond the scratch (see Scratch.KEEP_MAX).
          ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(2 * buf.capacity());
          direct.writeBytes(buf, 0, bodyStart);
          Scratch.giveBack(buf);
          buf = direct;
          alloc = PooledByteBufAllocator.DEFAULT;
          bodyWriter.write(buf, peer);
        }
      }
      int length = buf.readableBytes() - 4;
      if (length > maxFrameSize) {
        throw new RpcException(
            "frame of "
                + length
                + " bytes exceeds the maximum frame size of "
                + maxFrameSize
                + " bytes (setting maxFrameSize)");
      }
      buf.setInt(0, length);
      // Only frames made off the event loop may be a scratch buffer: on it, no thread-local
      // look-up.
      return alloc == Frame.HEAP ? Scratch.detach(buf) : buf;
    } catch (RuntimeException | Error e) {
      discard(alloc, buf);
      throw e;
    }
  }

  private static void discard(ByteBufAllocator alloc, ByteBuf buf) {
    if (alloc != Frame.HEAP || !Scratch.giveBack(buf)) {
      buf.release();
    }
  }

  /**
   * Off the event loop ({@link Frame#HEAP}), a frame is encoded into a buffer its thread keeps for
   * the purpose, then copied out at its exact size: onto the heap up to {@link #HEAP_FRAME_MAX}
   * (the event loop frees it after the write, and a pooled buffer freed there would go back through
   * contended cross-thread queues), into a pooled direct buffer beyond (where those queues cost
   * little next to the bytes, and heap frames of that size would be garbage the size of the
   * argument, grown by repeated copying).
   */
  private static final class Scratch {
    /**
     * The largest a scratch buffer grows: enough for the frames of most calls, without every thread
     * holding the largest frame it ever sent; a larger frame is encoded again into pooled direct
     * memory. A provider's 64 executor threads keep 16 MiB at most. Kept up to 4 MiB, and grown by
     * doubling on the heap beyond, 64 threads encoding 1 MiB replies at once took 192 MiB of a 256
     * MiB heap.
     */
    private static final int KEEP_MAX = 256 << 10;

    private static final ThreadLocal<Scratch> MINE = ThreadLocal.withInitial(Scratch::new);

    private final ByteBuf buf = Frame.HEAP.heapBuffer(1024, KEEP_MAX);
    private ByteBuf lent; // buf while a frame is being encoded into it, else null

    static ByteBuf take(int initialCapacity) {
      Scratch s = MINE.get();
      if (s.lent != null) {
        // Encoding a frame while encoding another on this thread: not worth a second scratch.
        return Frame.HEAP.heapBuffer(initialCapacity);
      }
      s.lent = s.buf.clear();
      return s.buf;
    }

    /** The finished frame at its exact size, if {@code frame} is a scratch buffer; else itself. */
    static ByteBuf detach(ByteBuf frame) {
      Scratch s = MINE.get();
      if (s.lent != frame) {
        return frame;
      }
      int n = frame.readableBytes();
      ByteBuf out =
          n <= HEAP_FRAME_MAX
              ? Frame.HEAP.heapBuffer(n, n)
              : PooledByteBufAllocator.DEFAULT.directBuffer(n, n);
      out.writeBytes(frame, frame.readerIndex(), n);
      s.free();
      return out;
    }

    /** Whether {@code failure} is {@code frame}, this thread's scratch buffer, refusing to grow. */
    static boolean outgrown(ByteBuf frame, RuntimeException failure) {
      Scratch s = MINE.get();
      return s.lent == frame
          && Throwables.getCausalChain(failure).stream()
              .anyMatch(IndexOutOfBoundsException.class::isInstance);
    }

    /** Returns true if {@code frame} was this thread's scratch buffer (now free again). */
    static boolean giveBack(ByteBuf frame) {
      Scratch s = MINE.get();
      if (s.lent != frame) {
        return false;
      }
      s.free();
      return true;
    }

    private void free() {
      lent = null;
      buf.clear();
    }
  }

  /** Bytes of a varint field with a one-byte tag; 0 for the value 0, which protobuf leaves out. */
  private static int fieldSize(long value) {
    return value == 0 ? 0 : 1 + CodedOutputStream.computeUInt64SizeNoTag(value);
  }

  private static void writeField(ByteBuf out, int tag, long value) {
    if (value != 0) {
      out.writeByte(tag);
      writeVarint(out, value);
    }
  }

  static void writeVarint(ByteBuf out, long value) {
    while ((value & ~0x7fL) != 0) {
      out.writeByte((int) (value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.writeByte((int) value);
  }
}
