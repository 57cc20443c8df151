package io.farcall.runtime.internal.transport;

import com.google.protobuf.CodedInputStream;
import io.farcall.Metadata;
import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.codec.proto.Kind;
import io.farcall.runtime.internal.codec.proto.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.util.Map;

/**
 * One decoded frame: the header fields the call path needs, and the still-encoded body. The frame
 * owns one reference to its buffer; whoever receives a frame must {@link #release()} it.
 *
 * <p>The hot fields ({@link #kind}, {@link #requestId}, {@link #status}, the timeouts, and the raw
 * service and method bytes) are read from the header bytes without building a {@link Header}; the
 * full {@link #header()} is parsed only when asked for, from the header bytes the frame keeps in
 * front of the body (while the frame is not released, or once asked before).
 */
public class Frame extends DefaultByteBufHolder {
  /** The protocol version this side speaks and accepts (the header's {@code version}). */
  public static final int PROTOCOL_VERSION = 2;

  /**
   * Unpooled heap buffers, for frames made on one thread and freed on another: the garbage
   * collector frees them, where a pooled buffer would go back to its allocating thread's pools
   * through contended cross-thread queues. Given to {@link FrameEncoder} it also means "off the
   * event loop", and the encoder picks heap or pooled memory by the frame's size.
   */
  static final ByteBufAllocator HEAP = new UnpooledByteBufAllocator(false);

  // Set once, by the constructor or by read() before the frame is handed out.
  private int version;
  private int kind;
  private long requestId;
  private int status;
  private long deadlineUnixMicros;
  private long timeoutMicros;

  /** The service and method bytes in the buffer ({@code serviceLength < 0}: not kept there). */
  private int serviceIndex;

  private int serviceLength;
  private int methodIndex;
  private int methodLength;

  /** Header bytes at [0, headerLength) of the buffer, or 0 when the header came parsed. */
  private final int headerLength;

  /** Where read() is in the header; {@link #BAD} once it met something it does not handle. */
  private int pos;

  private static final int BAD = Integer.MAX_VALUE;

  // Benign race: parsing twice yields equal headers; Header is immutable (final fields).
  private Header header;

  /**
   * A request refused before its header was parsed, because the header is over a limit: it has a
   * kind and a request id, and no body; {@link #refusal()} says why.
   */
  static Frame refused(Kind kind, long requestId, String why) {
    return new Refused(
        Header.newBuilder()
            .setVersion(PROTOCOL_VERSION)
            .setKind(kind)
            .setRequestId(requestId)
            .build(),
        why);
  }

  /** Why this request must be refused unread (its header is over a limit); null for the rest. */
  public String refusal() {
    return null;
  }

  /** See {@link #refused}: a class of its own, so that other frames carry no field for it. */
  private static final class Refused extends Frame {
    private final String why;

    Refused(Header header, String why) {
      super(header, io.netty.buffer.Unpooled.EMPTY_BUFFER);
      this.why = why;
    }

    @Override
    public String refusal() {
      return why;
    }
  }

  /** A frame whose header is already parsed; its body is the whole buffer. */
  public Frame(Header header, ByteBuf body) {
    super(body);
    this.header = header;
    this.version = header.getVersion();
    this.kind = header.getKindValue();
    this.requestId = header.getRequestId();
    this.status = header.getStatusValue();
    this.deadlineUnixMicros = header.getDeadlineUnixMicros();
    this.timeoutMicros = header.getTimeoutMicros();
    this.serviceIndex = 0;
    this.serviceLength = -1;
    this.methodIndex = 0;
    this.methodLength = -1;
    this.headerLength = 0;
  }

  private Frame(ByteBuf buf, int headerLength) {
    super(buf);
    this.headerLength = headerLength;
  }

  /**
   * Reads the header at [0, headerLength) of {@code buf}, whose reader index is at the body. Takes
   * ownership of {@code buf}. Returns null, owning nothing, if the header holds anything the fast
   * reader does not handle (metadata, unknown fields, non-ASCII strings, malformed bytes): then the
   * caller parses it with {@link Header#parseFrom}, which accepts or refuses it as always.
   */
  static Frame read(ByteBuf buf, int headerLength) {
    Frame f = new Frame(buf, headerLength);
    return f.readHeader(buf, headerLength) ? f : null;
  }

  /** The full header; parsed on first use (before the frame is released, when it was not yet). */
  public final Header header() {
    Header h = header;
    if (h == null) {
      ByteBuf buf = content();
      try {
        h = Header.parseFrom(CodedInputStream.newInstance(buf.nioBuffer(0, headerLength)));
      } catch (IOException e) {
        // read() accepted exactly these bytes, and stock protobuf accepts all it accepts.
        throw new IllegalStateException("a header read once no longer parses", e);
      }
      header = h;
    }
    return h;
  }

  /**
   * The header's metadata map, without parsing a header for it: a header the fast reader accepted
   * has none (it refuses field 10), so only frames that came parsed can carry any.
   */
  final Map<String, String> metadata() {
    Header h = header;
    return h == null ? Map.of() : h.getMetadataMap();
  }

  /**
   * The call's metadata, read from the header; null when it carries none.
   *
   * @throws IllegalArgumentException if an entry is not valid call metadata
   */
  public final Metadata callMetadata() {
    return HeaderMetadata.read(metadata());
  }

  public final int version() {
    return version;
  }

  /** The frame's kind; {@link Kind#UNRECOGNIZED} for a number this side does not know. */
  public final Kind kind() {
    Kind k = Kind.forNumber(kind);
    return k == null ? Kind.UNRECOGNIZED : k;
  }

  public final long requestId() {
    return requestId;
  }

  /** The reply's status; {@link Status#UNRECOGNIZED} for a number this side does not know. */
  public final Status status() {
    Status s = Status.forNumber(status);
    return s == null ? Status.UNRECOGNIZED : s;
  }

  public final long deadlineUnixMicros() {
    return deadlineUnixMicros;
  }

  public final long timeoutMicros() {
    return timeoutMicros;
  }

  /**
   * Whether the service and method bytes are in the buffer, for {@link #keyHash} and {@link
   * #keyEquals}; otherwise ask {@link #header()} for them.
   */
  public final boolean hasRawKey() {
    return serviceLength >= 0;
  }

  /**
   * A hash of the service and method bytes, equal to {@link #keyHash(byte[], byte[])} of the same
   * bytes. Only when {@link #hasRawKey()}.
   */
  public final int keyHash() {
    ByteBuf buf = content();
    int h = hash(buf, serviceIndex, serviceLength, 1);
    return hash(buf, methodIndex, methodLength, 31 * h + KEY_SEPARATOR);
  }

  /** Whether the service and method are exactly these bytes. Only when {@link #hasRawKey()}. */
  public final boolean keyEquals(byte[] service, byte[] method) {
    ByteBuf buf = content();
    return equal(buf, serviceIndex, serviceLength, service)
        && equal(buf, methodIndex, methodLength, method);
  }

  /** Hashed between service and method, so that ("ab", "c") and ("a", "bc") differ. */
  private static final int KEY_SEPARATOR = 0xff;

  /** The hash {@link #keyHash()} computes, of a service's and a method's UTF-8 bytes. */
  public static int keyHash(byte[] service, byte[] method) {
    int h = 1;
    for (byte b : service) {
      h = 31 * h + b;
    }
    h = 31 * h + KEY_SEPARATOR;
    for (byte b : method) {
      h = 31 * h + b;
    }
    return h;
  }

  private static int hash(ByteBuf buf, int index, int length, int seed) {
    int h = seed;
    for (int i = index, end = index + length; i < end; i++) {
      h = 31 * h + buf.getByte(i);
    }
    return h;
  }

  private static boolean equal(ByteBuf buf, int index, int length, byte[] expected) {
    if (length != expected.length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (buf.getByte(index + i) != expected[i]) {
        return false;
      }
    }
    return true;
  }

  public final ByteBuf body() {
    return content();
  }

  @Override
  public String toString() {
    return "Frame{" + kind() + " #" + requestId + ", body " + content().readableBytes() + " B}";
  }

  /**
   * Reads the fields of a {@code farcall.v1.Header} that the call path uses, straight from the
   * bytes. Handles the common subset only (fields 1 to 9 with their own wire types, ASCII strings)
   * and says so with false for anything else, so that every header it accepts is one {@link
   * Header#parseFrom} reads to the same values (see HeaderReaderTest).
   */
  private boolean readHeader(ByteBuf buf, int limit) {
    pos = 0;
    while (pos < limit) {
      long tag = varint(buf, limit);
      if (pos == BAD || tag > Integer.MAX_VALUE) {
        return false;
      }
      int field = (int) tag >>> 3;
      int wireType = (int) tag & 7;
      if (field >= 1 && field <= 8 && field != 4 && field != 5) {
        if (wireType != 0) {
          return false;
        }
        long v = varint(buf, limit);
        switch (field) {
          case 1 -> version = (int) v;
          case 2 -> kind = (int) v;
          case 3 -> requestId = v;
          case 6 -> deadlineUnixMicros = v;
          case 7 -> timeoutMicros = v;
          default -> status = (int) v;
        }
      } else if ((field == 4 || field == 5 || field == 9) && wireType == 2) {
        long length = varint(buf, limit);
        if (pos == BAD || length > limit - pos || !ascii(buf, pos, (int) length)) {
          return false;
        }
        if (field == 4) {
          serviceIndex = pos;
          serviceLength = (int) length;
        } else if (field == 5) {
          methodIndex = pos;
          methodLength = (int) length;
        }
        pos += (int) length;
      } else {
        return false;
      }
    }
    return pos != BAD;
  }

  /** A varint of up to ten bytes (protobuf's limit), within the header; else pos becomes BAD. */
  private long varint(ByteBuf buf, int limit) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= limit) {
        pos = BAD;
        return 0;
      }
      byte b = buf.getByte(pos++);
      result |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return result;
      }
    }
    pos = BAD;
    return 0;
  }

  private static boolean ascii(ByteBuf buf, int index, int length) {
    for (int i = index, end = index + length; i < end; i++) {
      if (buf.getByte(i) < 0) {
        return false;
      }
    }
    return true;
  }
}
