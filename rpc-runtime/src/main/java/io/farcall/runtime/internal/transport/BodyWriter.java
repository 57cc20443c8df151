package io.farcall.runtime.internal.transport;

import io.farcall.runtime.internal.codec.PeerShapes;
import io.netty.buffer.ByteBuf;

/**
 * Appends a frame's body. Told what the peer of the very connection the frame goes out on said
 * about its types, so that values go positionally only to a peer known to have the same shapes.
 */
@FunctionalInterface
public interface BodyWriter {
  void write(ByteBuf out, PeerShapes peer);
}
