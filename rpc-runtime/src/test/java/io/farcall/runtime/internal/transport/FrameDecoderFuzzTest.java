package io.farcall.runtime.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.codec.proto.Kind;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A bounded randomized test of the frame decoder: streams of valid frames, mangled by random flips,
 * truncations and inserted bytes, fed in random pieces. Every stream either decodes into frames or
 * ends in a {@link DecoderException}, which closes its connection; nothing else is thrown, and
 * every buffer is released (Netty's leak detection runs paranoid in these tests).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES) // a guard against hangs, not a performance claim
class FrameDecoderFuzzTest {
  private static final TransportConfig CONFIG =
      new TransportConfig(64 * 1024, Duration.ofSeconds(1), Duration.ofSeconds(10));

  private static byte[] validStream(Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FrameEncoder encoder = new FrameEncoder(CONFIG.maxFrameSize());
    for (int i = random.nextInt(4); i >= 0; i--) {
      Header.Builder h =
          Header.newBuilder()
              .setVersion(Frame.PROTOCOL_VERSION)
              .setKind(Kind.forNumber(1 + random.nextInt(7)))
              .setRequestId(random.nextLong())
              .setService("svc" + random.nextInt(3))
              .setMethod("m(int)")
              .setTimeoutMicros(random.nextInt(1 << 20));
      if (random.nextInt(4) == 0) {
        h.putMetadata("k" + random.nextInt(100), "v");
      }
      byte[] body = new byte[random.nextInt(random.nextBoolean() ? 64 : 8192)];
      random.nextBytes(body);
      var frame =
          encoder.encode(
              Unpooled.buffer().alloc(),
              h.build(),
              (b, peer) -> b.writeBytes(body),
              io.farcall.runtime.internal.codec.PeerShapes.UNKNOWN);
      try {
        byte[] bytes = new byte[frame.readableBytes()];
        frame.readBytes(bytes);
        out.writeBytes(bytes);
      } finally {
        frame.release();
      }
    }
    return out.toByteArray();
  }

  private static byte[] mangle(byte[] stream, Random random) {
    byte[] bytes = stream.clone();
    switch (random.nextInt(4)) {
      case 0 -> {
        for (int flips = 1 + random.nextInt(4); flips > 0 && bytes.length > 0; flips--) {
          bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
      }
      case 1 -> bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
      case 2 -> {
        int at = random.nextInt(bytes.length + 1);
        byte[] extra = new byte[1 + random.nextInt(8)];
        random.nextBytes(extra);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, at);
        out.writeBytes(extra);
        out.write(bytes, at, bytes.length - at);
        bytes = out.toByteArray();
      }
      default -> {
        // left valid
      }
    }
    return bytes;
  }

  @Test
  void mangledStreamsDecodeOrFailTheirConnectionOnly() {
    Random random = new Random(20261201);
    MemoryBudget partial = FrameDecoder.partialFrameBudget(CONFIG.limits());
    int decoded = 0;
    int refused = 0;
    for (int i = 0; i < 3_000; i++) {
      byte[] stream = mangle(validStream(random), random);
      EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(CONFIG, partial));
      try {
        int at = 0;
        while (at < stream.length) {
          int piece = Math.min(stream.length - at, 1 + random.nextInt(512));
          channel.writeInbound(Unpooled.wrappedBuffer(stream, at, piece));
          at += piece;
        }
      } catch (DecoderException e) {
        refused++;
      } finally {
        Object out;
        while ((out = channel.readInbound()) != null) {
          assertThat(out).isInstanceOf(Frame.class);
          ((Frame) out).release();
          decoded++;
        }
        try {
          channel.finishAndReleaseAll();
        } catch (DecoderException e) {
          refused++; // raised as the stream ended
        }
      }
    }
    assertThat(decoded).isPositive();
    assertThat(refused).isPositive();
    // Every connection gave back what its partial frames held.
    assertThat(partial.held()).isZero();
  }
}
