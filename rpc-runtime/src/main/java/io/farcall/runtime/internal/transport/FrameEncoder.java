package io.farcall.runtime.internal.transport;

import com.google.protobuf.CodedOutputStream;
import io.farcall.RpcException;
import io.farcall.runtime.internal.codec.proto.Header;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Builds one frame in a pooled buffer: {@code length | header length | header | body}. Encoding
 * happens on the calling thread, so the event loop only writes finished bytes.
 */
public final class FrameEncoder {
  private final ByteBufAllocator alloc;
  private final int maxFrameSize;

  public FrameEncoder(ByteBufAllocator alloc, int maxFrameSize) {
    this.alloc = alloc;
    this.maxFrameSize = maxFrameSize;
  }

  /**
   * Returns a buffer holding the whole frame; the caller owns it. The body writer appends the body
   * at the buffer's writer index. Throws {@link RpcException} if the frame would exceed the maximum
   * frame size, which the peer would refuse.
   */
  public ByteBuf encode(Header header, Consumer<ByteBuf> bodyWriter) {
    int headerSize = header.getSerializedSize();
    ByteBuf buf = alloc.buffer(64 + headerSize);
    try {
      buf.writerIndex(4);
      writeVarint32(buf, headerSize);
      buf.ensureWritable(headerSize);
      CodedOutputStream out =
          CodedOutputStream.newInstance(buf.nioBuffer(buf.writerIndex(), headerSize));
      header.writeTo(out);
      out.flush();
      buf.writerIndex(buf.writerIndex() + headerSize);
      if (bodyWriter != null) {
        bodyWriter.accept(buf);
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
      return buf;
    } catch (IOException e) {
      buf.release();
      throw new RpcException("could not encode header", e);
    } catch (RuntimeException | Error e) {
      buf.release();
      throw e;
    }
  }

  private static void writeVarint32(ByteBuf out, int value) {
    while ((value & ~0x7f) != 0) {
      out.writeByte((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.writeByte(value);
  }
}
