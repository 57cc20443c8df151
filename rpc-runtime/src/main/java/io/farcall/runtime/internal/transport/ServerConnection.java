package io.farcall.runtime.internal.transport;

import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.codec.PeerShapes;
import io.farcall.runtime.internal.codec.proto.Header;
import io.netty.channel.Channel;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.net.ssl.SSLSession;

/** The provider's side of one consumer connection: where replies go. Thread-safe. */
public final class ServerConnection {
  private final Channel channel;
  private final FrameEncoder encoder;
  private final WriteQueue writes;
  private final ConcurrentMap<Long, Served> served = new ConcurrentHashMap<>();
  private final Hello hello;

  /** {@link #remoteAddress()}, once asked for. */
  private volatile String remote;

  /** The TLS session once its handshake succeeded; null on a plaintext connection. */
  private volatile SSLSession session;

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

  private final java.util.concurrent.atomic.AtomicBoolean refused =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** Whether this is the first request of this connection refused unread (to log it once). */
  boolean firstRefusal() {
    return refused.compareAndSet(false, true);
  }

  /** A request of this connection being served: what its consumer's CANCEL reaches. */
  public interface Served {
    /** The consumer gave up on the request. */
    void cancel();
  }

  /**
   * Keeps {@code request} until {@link #untrack}, so that a CANCEL of {@code requestId} finds it.
   */
  public void track(long requestId, Served request) {
    served.put(requestId, request);
  }

  public void untrack(long requestId, Served request) {
    served.remove(requestId, request);
  }

  /** The consumer cancelled {@code requestId}: tells its request, if it is still served. */
  void cancel(long requestId) {
    Served s = served.get(requestId);
    if (s != null) {
      s.cancel();
    }
  }

  /** The TLS handshake succeeded with {@code session}. */
  void secured(SSLSession session) {
    this.session = session;
  }

  /** {@link #certificateIdentity()}, once worked out; {@link #NONE} for none. */
  private volatile String certificateIdentity;

  private static final String NONE = new String("none"); // compared by reference

  /** What the invoke layer worked out about a token this consumer sent, for it to reuse. */
  private volatile Object tokenCache;

  /** What {@link #tokenCache(Object)} kept, or null. */
  public Object tokenCache() {
    return tokenCache;
  }

  /** Keeps what was worked out about a token this consumer sent, replacing what was kept. */
  public void tokenCache(Object known) {
    tokenCache = known;
  }

  /**
   * The identity in the consumer's TLS client certificate: its first URI subject alternative name
   * (such as {@code spiffe://acme/checkout}), else its subject's common name; null when it showed
   * no certificate (or the connection is plaintext). Worked out once per connection.
   */
  public String certificateIdentity() {
    String id = certificateIdentity;
    if (id == null) {
      SSLSession s = session;
      if (s == null) {
        return null; // plaintext, or the handshake is not done: ask again later
      }
      id = PeerCertificates.identity(s);
      certificateIdentity = id == null ? NONE : id;
      return id;
    }
    return id == NONE ? null : id;
  }

  public boolean isActive() {
    return channel.isActive();
  }

  /** The consumer's address as {@code host:port} (as {@code RemoteCall.peer()} gives it). */
  public String remoteAddress() {
    String a = remote;
    if (a == null) {
      a =
          channel.remoteAddress() instanceof java.net.InetSocketAddress i
              ? i.getHostString() + ":" + i.getPort()
              : String.valueOf(channel.remoteAddress());
      remote = a;
    }
    return a;
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
