package io.farcall.runtime.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.codec.proto.Kind;
import io.farcall.runtime.internal.codec.proto.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The decoder reads the common headers without protobuf, and must agree with {@link
 * Header#parseFrom} on every header: the same fields where it accepts, a closed connection (a
 * {@link CorruptedFrameException}) where protobuf refuses.
 */
class HeaderReaderTest {
  private static Header.Builder request() {
    return Header.newBuilder()
        .setVersion(Frame.PROTOCOL_VERSION)
        .setKind(Kind.KIND_REQUEST)
        .setRequestId(77)
        .setService("acme.Inventory")
        .setMethod("reserve(java.lang.String,int)")
        .setDeadlineUnixMicros(1_700_000_000_000_000L)
        .setTimeoutMicros(5_000_000);
  }

  private static List<Header> headers() {
    return List.of(
        request().build(),
        request().putMetadata("trace-id", "abc").build(),
        request().setService("acme.Größe").build(),
        request().setMethod("").setService("").build(),
        request()
            .setRequestId(-1)
            .setTimeoutMicros(-5)
            .setDeadlineUnixMicros(Long.MIN_VALUE)
            .build(),
        request().setKindValue(42).setStatusValue(99).build(),
        Header.newBuilder()
            .setVersion(Frame.PROTOCOL_VERSION)
            .setKind(Kind.KIND_RESPONSE)
            .setRequestId(3)
            .setStatus(Status.STATUS_NOT_FOUND)
            .setStatusMessage("unknown service 'x'")
            .build(),
        Header.newBuilder()
            .setVersion(Frame.PROTOCOL_VERSION)
            .setKind(Kind.KIND_RESPONSE)
            .setStatus(Status.STATUS_INTERNAL)
            .setStatusMessage("non-ASCII: ü")
            .build(),
        request()
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(15, UnknownFieldSet.Field.newBuilder().addVarint(3).build())
                    .build())
            .build());
  }

  @Test
  void everyHeaderDecodesToWhatProtobufReads() {
    for (Header h : headers()) {
      Frame f = decode(h.toByteArray(), new byte[] {9, 8});
      try {
        assertThat(f.kind()).as("%s", h).isEqualTo(h.getKind());
        assertThat(f.requestId()).isEqualTo(h.getRequestId());
        assertThat(f.status()).isEqualTo(h.getStatus());
        assertThat(f.timeoutMicros()).isEqualTo(h.getTimeoutMicros());
        assertThat(f.deadlineUnixMicros()).isEqualTo(h.getDeadlineUnixMicros());
        assertThat(f.header()).isEqualTo(h);
        if (f.hasRawKey()) {
          byte[] service = h.getServiceBytes().toByteArray();
          byte[] method = h.getMethodBytes().toByteArray();
          assertThat(f.keyEquals(service, method)).isTrue();
          assertThat(f.keyHash()).isEqualTo(Frame.keyHash(service, method));
          assertThat(f.keyEquals(service, new byte[] {'x'})).isFalse();
        }
        assertThat(f.body().readableBytes()).isEqualTo(2);
        assertThat(f.body().readByte()).isEqualTo((byte) 9);
      } finally {
        f.release();
      }
    }
  }

  @Test
  void theCommonHeadersAreReadWithoutProtobufAndTheOthersWithIt() {
    Frame plain = decode(request().build().toByteArray(), new byte[0]);
    Frame withMetadata = decode(request().putMetadata("k", "v").build().toByteArray(), new byte[0]);
    try {
      assertThat(plain.hasRawKey()).isTrue();
      assertThat(withMetadata.hasRawKey()).isFalse();
      assertThat(withMetadata.header().getMetadataMap()).containsEntry("k", "v");
    } finally {
      plain.release();
      withMetadata.release();
    }
  }

  @Test
  void anUnknownVersionIsRefusedOnEitherPath() {
    // Version 1 too: its bodies had no per-value encoding marks.
    for (int version : List.of(1, Frame.PROTOCOL_VERSION + 1)) {
      byte[] plain = request().setVersion(version).build().toByteArray();
      byte[] withMetadata =
          request().setVersion(version).putMetadata("k", "v").build().toByteArray();
      for (byte[] header : List.of(plain, withMetadata)) {
        assertThatThrownBy(() -> decode(header, new byte[0]))
            .isInstanceOf(CorruptedFrameException.class)
            .hasMessageContaining("unsupported protocol version " + version);
      }
    }
  }

  @Test
  void mangledHeadersAreRefusedExactlyWhenProtobufRefusesThem() {
    Random random = new Random(1234);
    List<byte[]> valid = new ArrayList<>();
    for (Header h : headers()) {
      valid.add(h.toByteArray());
    }
    int refused = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] header = valid.get(random.nextInt(valid.size())).clone();
      if (random.nextBoolean()) {
        header = java.util.Arrays.copyOf(header, random.nextInt(header.length + 1));
      }
      for (int flips = random.nextInt(4); flips > 0 && header.length > 0; flips--) {
        header[random.nextInt(header.length)] = (byte) random.nextInt(256);
      }
      Header expected;
      try {
        expected = Header.parseFrom(header);
      } catch (InvalidProtocolBufferException e) {
        expected = null;
      }
      Frame f;
      try {
        f = decode(header, new byte[0]);
      } catch (CorruptedFrameException e) {
        assertThat(expected == null || expected.getVersion() != Frame.PROTOCOL_VERSION)
            .as("refused %s (%s) that protobuf reads", hex(header), e.getMessage())
            .isTrue();
        refused++;
        continue;
      }
      try {
        assertThat(expected).as("accepted %s that protobuf refuses", hex(header)).isNotNull();
        assertThat(f.header()).isEqualTo(expected);
        assertThat(f.kind()).isEqualTo(expected.getKind());
        assertThat(f.requestId()).isEqualTo(expected.getRequestId());
        assertThat(f.status()).isEqualTo(expected.getStatus());
        assertThat(f.timeoutMicros()).isEqualTo(expected.getTimeoutMicros());
        assertThat(f.deadlineUnixMicros()).isEqualTo(expected.getDeadlineUnixMicros());
        if (f.hasRawKey()) {
          assertThat(
                  f.keyEquals(
                      expected.getServiceBytes().toByteArray(),
                      expected.getMethodBytes().toByteArray()))
              .isTrue();
        }
      } finally {
        f.release();
      }
    }
    assertThat(refused).as("the mangling refuses some").isPositive();
  }

  /** A frame as FrameDecoder.parse sees it: past the length prefix. */
  private static Frame decode(byte[] header, byte[] body) {
    ByteBuf buf = Unpooled.buffer();
    FrameEncoder.writeVarint(buf, header.length);
    buf.writeBytes(header).writeBytes(body);
    try {
      return FrameDecoder.parse(buf);
    } finally {
      buf.release();
    }
  }

  private static String hex(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) {
      sb.append(String.format("%02x", b));
    }
    return sb.toString();
  }
}
