package io.farcall.runtime.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.runtime.internal.codec.PeerShapes;
import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.codec.proto.Kind;
import io.farcall.runtime.internal.codec.proto.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The headers FrameEncoder writes by hand are byte for byte what protobuf writes for the same
 * fields, so stock protobuf and protoc read them (HeaderWireFormatTest checks protoc on those).
 */
class HeaderBytesTest {
  private final FrameEncoder encoder = new FrameEncoder(1 << 20);

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 127, 128, 300, 1L << 35, Long.MAX_VALUE, -1})
  void aHandWrittenRequestHeaderIsWhatProtobufWrites(long n) throws Exception {
    RequestKey key = new RequestKey("acme.shop.Inventory", "reserve(java.lang.String,int)");
    ByteBuf frame =
        encoder.encodeRequest(
            UnpooledByteBufAllocator.DEFAULT,
            key,
            n,
            n,
            n == 0 ? 5 : n,
            (b, peer) -> b.writeByte(42),
            PeerShapes.UNKNOWN);
    try {
      Header expected =
          Header.newBuilder()
              .setVersion(Frame.PROTOCOL_VERSION)
              .setKind(Kind.KIND_REQUEST)
              .setRequestId(n)
              .setService("acme.shop.Inventory")
              .setMethod("reserve(java.lang.String,int)")
              .setDeadlineUnixMicros(n)
              .setTimeoutMicros(n == 0 ? 5 : n)
              .build();
      assertThat(headerBytes(frame)).isEqualTo(expected.toByteArray());
      assertThat(frame.readByte()).isEqualTo((byte) 42);
    } finally {
      frame.release();
    }
  }

  @Test
  void emptyServiceAndMethodAreLeftOutAsProtobufDoes() {
    ByteBuf frame =
        encoder.encodeRequest(
            UnpooledByteBufAllocator.DEFAULT,
            new RequestKey("", ""),
            7,
            0,
            0,
            null,
            PeerShapes.UNKNOWN);
    try {
      Header expected =
          Header.newBuilder()
              .setVersion(Frame.PROTOCOL_VERSION)
              .setKind(Kind.KIND_REQUEST)
              .setRequestId(7)
              .build();
      assertThat(headerBytes(frame)).isEqualTo(expected.toByteArray());
    } finally {
      frame.release();
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 300, Long.MAX_VALUE})
  void aHandWrittenOkReplyHeaderIsWhatProtobufWrites(long id) {
    ByteBuf frame =
        encoder.encodeOkResponse(UnpooledByteBufAllocator.DEFAULT, id, null, PeerShapes.UNKNOWN);
    try {
      Header expected =
          Header.newBuilder()
              .setVersion(Frame.PROTOCOL_VERSION)
              .setKind(Kind.KIND_RESPONSE)
              .setRequestId(id)
              .setStatus(Status.STATUS_OK)
              .build();
      assertThat(headerBytes(frame)).isEqualTo(expected.toByteArray());
      assertThat(frame.isReadable()).isFalse();
    } finally {
      frame.release();
    }
  }

  @Test
  void aDecodedHandWrittenRequestHasTheFieldsItWasWrittenWith() {
    RequestKey key = new RequestKey("s.Service", "m(int)");
    ByteBuf frame =
        encoder.encodeRequest(
            UnpooledByteBufAllocator.DEFAULT,
            key,
            99,
            1_700_000_000_000_000L,
            2_000_000,
            null,
            PeerShapes.UNKNOWN);
    Frame decoded = FrameDecoder.parse(frame.skipBytes(4));
    try {
      assertThat(decoded.kind()).isEqualTo(Kind.KIND_REQUEST);
      assertThat(decoded.requestId()).isEqualTo(99);
      assertThat(decoded.deadlineUnixMicros()).isEqualTo(1_700_000_000_000_000L);
      assertThat(decoded.timeoutMicros()).isEqualTo(2_000_000);
      assertThat(decoded.hasRawKey()).isTrue();
      assertThat(decoded.keyEquals(bytes("s.Service"), bytes("m(int)"))).isTrue();
      assertThat(decoded.keyHash()).isEqualTo(Frame.keyHash(bytes("s.Service"), bytes("m(int)")));
      assertThat(decoded.header().getService()).isEqualTo("s.Service");
      assertThat(decoded.header().getMethod()).isEqualTo("m(int)");
    } finally {
      decoded.release();
      frame.release();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Reads past the length prefix and the header length; leaves the buffer at the body. */
  private static byte[] headerBytes(ByteBuf frame) {
    assertThat(frame.readInt()).isEqualTo(frame.readableBytes());
    int length = 0;
    int shift = 0;
    byte b;
    do {
      b = frame.readByte();
      length |= (b & 0x7f) << shift;
      shift += 7;
    } while (b < 0);
    byte[] header = new byte[length];
    frame.readBytes(header);
    return header;
  }
}
