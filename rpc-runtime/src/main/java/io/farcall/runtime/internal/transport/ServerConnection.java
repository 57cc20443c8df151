package io.farcall.runtime.internal.transport;

import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.codec.PeerShapes;
import io.farcall.runtime.internal.codec.proto.Header;
import io.netty.channel.Channel;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The provider's side of one consumer connection: where replies go. Thread-safe. */
public final class ServerConnection {
  private final Channel channel;
  private final FrameEncoder encoder;
  private final WriteQueue writes;
  private final ConcurrentMap<Long, Object> calls = new ConcurrentHashMap<>();
  private final Hello hello;

  ServerConnection(Channel channel, FrameEncoder encoder, BodyCodec shapes, WriteQueue writes) {
    this.channel = channel;
    this.encoder = encoder;
    this.writes = writes;
    this.hello = new Hello(shapes, encoder, writes);
  }

  /**
   * Encodes a reply on the calling thread and queues it. Encoding failures (for example a reply
   * over the maximum frame size) are thrown to the caller; nothing is sent then.
   */
  public void reply(Header header, BodyWriter body) {
    hello.tell();
    writes.enqueue(encoder.encode(writes.allocator(), header, body, hello.peer()), null);
  }

  /** Replies {@code STATUS_OK} to {@code requestId}, as {@link #reply} does. */
  public void replyOk(long requestId, BodyWriter body) {
    hello.tell();
    writes.enqueue(
        encoder.encodeOkResponse(writes.allocator(), requestId, body, hello.peer()), null);
  }

  /** Tells the consumer this side's shape table if it has not been told the current one. */
  void tellShapes() {
    hello.tell();
  }

  /** What the consumer said about its types (for tests). */
  PeerShapes peer() {
    return hello.peer();
  }

  /** The consumer's hello arrived; returns false if it did not decode. */
  boolean heard(Frame frame) {
    return hello.hear(frame, remoteAddress());
  }

  /**
   * The requests of this connection being served, by request id, kept by the {@link RequestHandler}
   * so that a cancel can find its call. Lives and dies with the connection.
   */
  public ConcurrentMap<Long, Object> calls() {
    return calls;
  }

  public boolean isActive() {
    return channel.isActive();
  }

  /** The consumer's address, for logs. */
  public String remoteAddress() {
    return String.valueOf(channel.remoteAddress());
  }

  void close() {
    channel.close();
  }

  /**
   * The channel's writability changed: brings the count of bytes waiting to be written up to date.
   */
  void writabilityChanged() {
    writes.account();
  }
}
