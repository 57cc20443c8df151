package io.farcall.runtime.internal.transport;

import io.farcall.runtime.internal.codec.proto.Header;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One decoded frame: its parsed {@link Header} and its still-encoded body. The frame owns one
 * reference to the body; whoever receives a frame must {@link #release()} it.
 */
public final class Frame extends DefaultByteBufHolder {
  /** The protocol version this side speaks and accepts (the header's {@code version}). */
  public static final int PROTOCOL_VERSION = 1;

  private final Header header;

  public Frame(Header header, ByteBuf body) {
    super(body);
    this.header = header;
  }

  public Header header() {
    return header;
  }

  public ByteBuf body() {
    return content();
  }

  @Override
  public String toString() {
    return "Frame{"
        + header.getKind()
        + " #"
        + header.getRequestId()
        + ", body "
        + content().readableBytes()
        + " B}";
  }
}
