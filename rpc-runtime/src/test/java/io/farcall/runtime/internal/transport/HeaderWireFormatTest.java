package io.farcall.runtime.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.runtime.internal.codec.PeerShapes;
import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.codec.proto.Kind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The frame layout of DESIGN.md, checked byte by byte and with stock protoc. */
class HeaderWireFormatTest {
  private static final Header HEADER =
      Header.newBuilder()
          .setVersion(1)
          .setKind(Kind.KIND_REQUEST)
          .setRequestId(12345)
          .setService("acme.shop.Inventory")
          .setMethod("reserve(java.lang.String,int)")
          .setTimeoutMicros(2_000_000)
          .putMetadata("trace-id", "abc123")
          .build();

  @Test
  void aFrameIsLengthThenHeaderLengthThenHeaderThenBody() {
    byte[] body = {1, 2, 3, 4, 5};
    ByteBuf frame =
        new FrameEncoder(1 << 20)
            .encode(
                UnpooledByteBufAllocator.DEFAULT,
                HEADER,
                (b, peer) -> b.writeBytes(body),
                PeerShapes.UNKNOWN);
    try {
      int headerSize = HEADER.getSerializedSize();
      assertThat(headerSize).isLessThan(128); // so its varint is one byte
      assertThat(frame.readInt()).isEqualTo(1 + headerSize + body.length);
      assertThat(frame.readByte()).isEqualTo((byte) headerSize);
      byte[] header = new byte[headerSize];
      frame.readBytes(header);
      assertThat(header).isEqualTo(HEADER.toByteArray());
      byte[] rest = new byte[frame.readableBytes()];
      frame.readBytes(rest);
      assertThat(rest).isEqualTo(body);
    } finally {
      frame.release();
    }
  }

  @Test
  void stockProtocDecodesACapturedHeader(@TempDir Path dir) throws Exception {
    Path protoc = Path.of(System.getProperty("farcall.protoc"));
    Path protoDir = Path.of(System.getProperty("farcall.protoDir"));
    assertThat(protoc).as("protoc fetched by the build").isExecutable();
    ByteBuf frame = new FrameEncoder(1 << 20).encode(UnpooledByteBufAllocator.DEFAULT, HEADER);
    Path captured = dir.resolve("header.bin");
    try {
      frame.skipBytes(5); // length prefix and one-byte header length
      byte[] header = new byte[frame.readableBytes()];
      frame.readBytes(header);
      Files.write(captured, header);
    } finally {
      frame.release();
    }
    Process p =
        new ProcessBuilder(
                protoc.toString(),
                "--decode=farcall.v1.Header",
                "-I",
                protoDir.toString(),
                "farcall.proto")
            .redirectInput(captured.toFile())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String decoded = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(decoded).isZero();
    assertThat(decoded)
        .contains("version: 1")
        .contains("kind: KIND_REQUEST")
        .contains("request_id: 12345")
        .contains("service: \"acme.shop.Inventory\"")
        .contains("method: \"reserve(java.lang.String,int)\"")
        .contains("timeout_micros: 2000000")
        .contains("key: \"trace-id\"");
  }
}
