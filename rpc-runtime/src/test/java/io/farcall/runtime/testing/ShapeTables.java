package io.farcall.runtime.testing;

import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.codec.PeerShapes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** What a peer learns of a codec's types from its hello, without a connection. */
public final class ShapeTables {
  private ShapeTables() {}

  /** The codec's shape table, written and read back as a peer would read it. */
  public static PeerShapes heardFrom(BodyCodec codec) {
    ByteBuf table = Unpooled.buffer();
    try {
      codec.writeShapes(table);
      return BodyCodec.readShapes(table);
    } finally {
      table.release();
    }
  }
}
