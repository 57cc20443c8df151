package io.farcall.runtime.internal.transport;

import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.codec.BodyDecodingException;
import io.farcall.runtime.internal.codec.PeerShapes;
import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.codec.proto.Kind;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One connection's exchange of {@code KIND_HELLO} frames: each side tells the other the shapes of
 * its types when the connection opens, and again after they grew (a new stub's or export's types),
 * so that each writes positionally what the other has in the same shape and by name the rest (see
 * {@link PeerShapes}). Frames written before a hello arrives are still read right, since every
 * value says how it is encoded. Thread-safe.
 */
final class Hello {
  private static final Logger log = LogManager.getLogger(Hello.class);

  private static final Header HEADER =
      Header.newBuilder().setVersion(Frame.PROTOCOL_VERSION).setKind(Kind.KIND_HELLO).build();

  private final BodyCodec shapes;
  private final FrameEncoder encoder;
  private final WriteQueue writes;

  /** This side's shape table version the peer was last told. */
  private volatile int told = -1;

  private volatile PeerShapes heard = PeerShapes.UNKNOWN;

  /**
   * @param shapes this side's codec; null for a connection that carries no bodies, which tells
   *     nothing
   */
  Hello(BodyCodec shapes, FrameEncoder encoder, WriteQueue writes) {
    this.shapes = shapes;
    this.encoder = encoder;
    this.writes = writes;
  }

  /** Queues this side's shape table unless the peer was told the current one. */
  void tell() {
    if (shapes == null) {
      return;
    }
    int version = shapes.shapesVersion();
    if (told != version) {
      told = version; // before writing: a table that grows meanwhile is told again
      writes.enqueue(
          encoder.encode(
              writes.allocator(),
              HEADER,
              (out, peer) -> shapes.writeShapes(out),
              PeerShapes.UNKNOWN),
          null);
    }
  }

  /** What the peer said about its types; {@link PeerShapes#UNKNOWN} until it said anything. */
  PeerShapes peer() {
    return heard;
  }

  /**
   * Takes the peer's hello, which is released. Returns false, after one log line, if its table is
   * malformed: the connection should then close, as the peer does not speak this protocol.
   */
  boolean hear(Frame hello, String peer) {
    try {
      heard = BodyCodec.readShapes(hello.body());
      return true;
    } catch (BodyDecodingException e) {
      log.warn(
          "closing connection with {}: its type shapes do not decode: {}", peer, e.getMessage());
      return false;
    } finally {
      hello.release();
    }
  }
}
