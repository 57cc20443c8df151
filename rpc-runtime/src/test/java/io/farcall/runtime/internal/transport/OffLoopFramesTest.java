package io.farcall.runtime.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.farcall.runtime.internal.codec.PeerShapes;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Frames encoded off the event loop: small ones on the heap, large ones in pooled direct memory,
 * each at its exact size and independent of the thread's scratch buffer.
 */
class OffLoopFramesTest {
  private final FrameEncoder encoder = new FrameEncoder(16 << 20);

  @Test
  void aSmallFrameComesOutOnTheHeapAtItsExactSize() {
    ByteBuf frame =
        encoder.encodeOkResponse(
            Frame.HEAP, 7, (b, peer) -> b.writeBytes(bytes(100, 1)), PeerShapes.UNKNOWN);
    try {
      assertThat(frame.hasArray()).isTrue();
      assertThat(frame.capacity()).isEqualTo(frame.readableBytes());
      assertThat(frame.readInt()).isEqualTo(frame.readableBytes());
    } finally {
      frame.release();
    }
  }

  @Test
  void aFrameLargerThanTheScratchBufferIsEncodedWholeInDirectMemory() {
    byte[] body = bytes(3 << 20, 5);
    for (int round = 0; round < 2; round++) {
      ByteBuf frame =
          encoder.encodeOkResponse(
              Frame.HEAP, 9, (b, peer) -> b.writeBytes(body), PeerShapes.UNKNOWN);
      try {
        assertThat(frame.isDirect()).isTrue();
        assertThat(frame.readInt()).isEqualTo(frame.readableBytes());
        Frame decoded = FrameDecoder.parse(frame);
        try {
          assertThat(decoded.requestId()).isEqualTo(9);
          byte[] read = new byte[decoded.body().readableBytes()];
          decoded.body().readBytes(read);
          assertThat(read).isEqualTo(body);
        } finally {
          decoded.release();
        }
      } finally {
        frame.release();
      }
    }
    // The thread's scratch buffer is free again for the next, small, frame.
    ByteBuf small =
        encoder.encodeOkResponse(
            Frame.HEAP, 1, (b, peer) -> b.writeBytes(bytes(10, 1)), PeerShapes.UNKNOWN);
    try {
      assertThat(small.hasArray()).isTrue();
    } finally {
      small.release();
    }
  }

  @Test
  void aLargeFrameComesOutInPooledDirectMemoryAtItsExactSize() {
    byte[] body = bytes(100 * 1024, 3);
    ByteBuf frame =
        encoder.encodeOkResponse(
            Frame.HEAP, 7, (b, peer) -> b.writeBytes(body), PeerShapes.UNKNOWN);
    try {
      assertThat(frame.isDirect()).isTrue();
      assertThat(frame.capacity()).isEqualTo(frame.readableBytes());
      byte[] tail = new byte[body.length];
      frame.getBytes(frame.writerIndex() - body.length, tail);
      assertThat(tail).isEqualTo(body);
    } finally {
      frame.release();
    }
  }

  @Test
  void framesStayIntactWhileTheThreadEncodesMore() {
    ByteBuf first =
        encoder.encodeOkResponse(
            Frame.HEAP, 1, (b, peer) -> b.writeBytes(bytes(200, 5)), PeerShapes.UNKNOWN);
    byte[] firstBytes = new byte[first.readableBytes()];
    first.getBytes(0, firstBytes);
    ByteBuf second =
        encoder.encodeOkResponse(
            Frame.HEAP, 2, (b, peer) -> b.writeBytes(bytes(300, 9)), PeerShapes.UNKNOWN);
    try {
      byte[] again = new byte[first.readableBytes()];
      first.getBytes(0, again);
      assertThat(again).isEqualTo(firstBytes);
      assertThat(second.readableBytes()).isGreaterThan(first.readableBytes());
    } finally {
      first.release();
      second.release();
    }
  }

  @Test
  void aFrameWhoseBodyFailsLeavesTheNextOneWhole() {
    Throwable failed =
        catchThrowable(
            () ->
                encoder.encodeOkResponse(
                    Frame.HEAP,
                    1,
                    (b, peer) -> {
                      b.writeBytes(bytes(50, 2));
                      throw new IllegalStateException("body writer failed");
                    },
                    PeerShapes.UNKNOWN));
    assertThat(failed).hasMessage("body writer failed");
    ByteBuf next =
        encoder.encodeOkResponse(
            Frame.HEAP, 2, (b, peer) -> b.writeBytes(bytes(10, 4)), PeerShapes.UNKNOWN);
    try {
      assertThat(next.readInt()).isEqualTo(next.readableBytes());
      byte[] body = new byte[10];
      next.getBytes(next.writerIndex() - 10, body);
      assertThat(body).isEqualTo(bytes(10, 4));
    } finally {
      next.release();
    }
  }

  @Test
  void aFrameEncodedWhileEncodingAnotherGetsABufferOfItsOwn() {
    ByteBuf[] inner = new ByteBuf[1];
    ByteBuf outer =
        encoder.encodeOkResponse(
            Frame.HEAP,
            1,
            (b, peer) -> {
              inner[0] =
                  encoder.encodeOkResponse(
                      Frame.HEAP, 2, (c, peer2) -> c.writeBytes(bytes(20, 6)), PeerShapes.UNKNOWN);
              b.writeBytes(bytes(30, 8));
            },
            PeerShapes.UNKNOWN);
    try {
      byte[] outerBody = new byte[30];
      outer.getBytes(outer.writerIndex() - 30, outerBody);
      assertThat(outerBody).isEqualTo(bytes(30, 8));
      byte[] innerBody = new byte[20];
      inner[0].getBytes(inner[0].writerIndex() - 20, innerBody);
      assertThat(innerBody).isEqualTo(bytes(20, 6));
    } finally {
      outer.release();
      inner[0].release();
    }
  }

  private static byte[] bytes(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }
}
