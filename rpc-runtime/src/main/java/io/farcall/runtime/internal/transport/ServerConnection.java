package io.farcall.runtime.internal.transport;

import io.farcall.runtime.internal.codec.proto.Header;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;

/** The provider's side of one consumer connection: where replies go. Thread-safe. */
public final class ServerConnection {
  private final Channel channel;
  private final FrameEncoder encoder;
  private final WriteQueue writes;
  private final ConcurrentMap<Long, Object> calls = new ConcurrentHashMap<>();

  ServerConnection(Channel channel, FrameEncoder encoder) {
    this.channel = channel;
    this.encoder = encoder;
    this.writes = new WriteQueue(channel);
  }

  /**
   * Encodes a reply on the calling thread and queues it. Encoding failures (for example a reply
   * over the maximum frame size) are thrown to the caller; nothing is sent then.
   */
  public void reply(Header header, Consumer<ByteBuf> body) {
    writes.enqueue(encoder.encode(writes.allocator(), header, body), null);
  }

  /** Replies {@code STATUS_OK} to {@code requestId}, as {@link #reply} does. */
  public void replyOk(long requestId, Consumer<ByteBuf> body) {
    writes.enqueue(encoder.encodeOkResponse(writes.allocator(), requestId, body), null);
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
}
