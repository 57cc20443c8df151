package io.farcall.runtime.internal.transport;

import io.farcall.ConnectionFailedException;
import io.farcall.InvalidCallException;
import io.farcall.Metadata;
import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.codec.PeerShapes;
import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.codec.proto.Kind;
import io.farcall.runtime.internal.codec.proto.Status;
import io.farcall.runtime.internal.metrics.RuntimeMetrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One multiplexed connection to one provider: many callers share the channel, and the request id in
 * each header correlates replies with requests. A broken connection is re-established on the next
 * call, with exponential back-off (with jitter) after consecutive failures; while backing off,
 * calls fail at once with a retryable {@link ConnectionFailedException} so that they can move to
 * another provider.
 *
 * <p>Thread-safe.
 */
public final class Connection {
  private static final Logger log = LogManager.getLogger(Connection.class);
  private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final String host;
  private final int port;
  private final Bootstrap bootstrap;
  private final FrameEncoder encoder;
  private final BodyCodec shapes;
  private final long heartbeatNanos;
  private final ConnectionLimits limits;
  private final Function<Channel, WriteQueue> writeQueues;
  private final AtomicLong nextRequestId = new AtomicLong();

  /** The TLS this connection speaks, or null for plaintext. */
  private final Tls tls;

  private final long handshakeTimeoutMillis;

  /** The channel new requests go to, or null. */
  private volatile Link current;

  private volatile boolean closed;

  /** Told of each channel opened and closed. */
  private final RuntimeMetrics metrics;

  // Guarded by this.
  private CompletableFuture<Void> connecting;
  private int consecutiveFailures;
  private long nextAttemptNanos;
  private Throwable lastFailure;

  /**
   * @param shapes the codec whose shape table the provider is told (see {@link PeerShapes}); null
   *     for connections that carry no bodies (the command line's pings)
   */
  Connection(
      String host,
      int port,
      Bootstrap bootstrap,
      FrameEncoder encoder,
      BodyCodec shapes,
      Duration heartbeat,
      ConnectionLimits limits,
      Function<Channel, WriteQueue> writeQueues,
      RuntimeMetrics metrics,
      Tls tls,
      Duration handshakeTimeout) {
    this.metrics = metrics;
    this.tls = tls;
    this.handshakeTimeoutMillis = handshakeTimeout.toMillis();
    this.limits = limits;
    this.host = host;
    this.writeQueues = writeQueues;
    this.port = port;
    this.bootstrap = bootstrap;
    this.encoder = encoder;
    this.shapes = shapes;
    this.heartbeatNanos = heartbeat.toNanos();
  }

  public String address() {
    return host + ":" + port;
  }

  /** Number of requests sent on the current channel that still wait for their reply. */
  public int outstanding() {
    Link l = current;
    return l == null ? 0 : l.pending.size();
  }

  /** What the provider on the current channel said about its types (for tests). */
  PeerShapes peer() {
    Link l = current;
    return l == null ? PeerShapes.UNKNOWN : l.hello.peer();
  }

  public boolean isActive() {
    Link l = current;
    return l != null && l.channel.isActive();
  }

  /**
   * Completes when the connection is usable: at once if it is, otherwise when a new connection
   * attempt succeeds. Fails at once with a retryable {@link ConnectionFailedException} while
   * backing off after failed attempts.
   */
  public CompletableFuture<Void> ready() {
    if (isActive()) {
      return CompletableFuture.completedFuture(null);
    }
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(
            new ConnectionFailedException(
                "connection to " + address() + " is closed", false, null));
      }
      if (isActive()) {
        return CompletableFuture.completedFuture(null);
      }
      if (connecting != null) {
        return connecting;
      }
      long now = System.nanoTime();
      if (consecutiveFailures > 0 && now - nextAttemptNanos < 0) {
        return CompletableFuture.failedFuture(
            new ConnectionFailedException(
                "cannot connect to "
                    + address()
                    + " ("
                    + consecutiveFailures
                    + " failed attempts, next in "
                    + TimeUnit.NANOSECONDS.toMillis(nextAttemptNanos - now)
                    + " ms)",
                false,
                lastFailure));
      }
      CompletableFuture<Void> attempt = new CompletableFuture<>();
      connecting = attempt;
      bootstrap.connect(host, port).addListener((ChannelFutureListener) f -> connected(f, attempt));
      return attempt;
    }
  }

  private void connected(ChannelFuture f, CompletableFuture<Void> attempt) {
    if (!f.isSuccess() || tls == null) {
      established(f.channel(), f.cause(), attempt);
      return;
    }
    Channel ch = f.channel();
    SslHandler h;
    try {
      h = tls.client().newHandler(ch.alloc(), host, port);
    } catch (RuntimeException e) {
      ch.close();
      established(ch, e, attempt);
      return;
    }
    h.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
    ch.pipeline().addFirst(h);
    h.handshakeFuture()
        .addListener(
            hf ->
                established(
                    ch,
                    hf.isSuccess()
                        ? null
                        : new SSLException(
                            "TLS handshake with " + address() + " failed: " + reason(hf.cause()),
                            hf.cause()),
                    attempt));
  }

  /** What a failed handshake says, without the wrapping exceptions' class names. */
  private static String reason(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    if (c instanceof java.nio.channels.ClosedChannelException) {
      return "the peer closed the connection";
    }
    return c.getMessage() != null ? c.getMessage() : c.toString();
  }

  /**
   * The attempt ended: {@code channel} is ready for frames (connected, and TLS's handshake done if
   * it speaks TLS), or it failed with {@code failure}.
   */
  private void established(Channel channel, Throwable failure, CompletableFuture<Void> attempt) {
    boolean usable;
    synchronized (this) {
      connecting = null;
      usable = failure == null && !closed;
      if (usable) {
        consecutiveFailures = 0;
        lastFailure = null;
        Link link = new Link(channel);
        channel.pipeline().addLast(link);
        link.hello.tell();
        current = link;
        metrics.connections(address(), 1);
        ScheduledFuture<?> beat =
            channel
                .eventLoop()
                .scheduleAtFixedRate(
                    link::heartbeatIfQuiet, heartbeatNanos, heartbeatNanos, TimeUnit.NANOSECONDS);
        channel
            .closeFuture()
            .addListener(
                cf -> {
                  beat.cancel(false);
                  metrics.connections(address(), -1);
                  link.closed();
                });
      } else {
        if (channel != null && channel.isOpen()) {
          channel.close();
        }
        consecutiveFailures++;
        lastFailure = failure;
        long backoff =
            Math.min(MAX_BACKOFF_NANOS, MIN_BACKOFF_NANOS << Math.min(consecutiveFailures - 1, 10));
        // Jitter keeps many consumers from reconnecting to a recovering provider in lockstep.
        backoff = (long) (backoff * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
        nextAttemptNanos = System.nanoTime() + backoff;
        if (failure instanceof SSLException) {
          log.warn(failure.getMessage());
        } else {
          log.debug(
              "connect to {} failed ({} in a row): {}", address(), consecutiveFailures, failure);
        }
      }
    }
    if (usable) {
      attempt.complete(null);
    } else {
      attempt.completeExceptionally(
          new ConnectionFailedException(
              failure instanceof SSLException
                  ? failure.getMessage()
                  : "cannot connect to " + address() + ": " + (closed ? "closed" : failure),
              false,
              failure));
    }
  }

  /**
   * Sends one request: assigns its request id, encodes the frame on the calling thread and queues
   * it for the event loop. The listener hears the reply or the failure. Returns the request id, to
   * {@link #cancel} it. Encoding failures are thrown to the caller; nothing is sent then.
   */
  public long send(Header.Builder header, BodyWriter body, ResponseListener listener) {
    Link link = current;
    if (link == null) {
      return notOpen(listener);
    }
    link.hello.tell();
    long id = nextRequestId.incrementAndGet();
    return enqueue(
        link,
        id,
        encoder.encode(
            link.writes.allocator(), header.setRequestId(id).build(), body, link.hello.peer()),
        listener);
  }

  /**
   * Sends a {@code KIND_REQUEST} for {@code key} with these deadline fields and metadata (null for
   * none), as {@link #send} does; without metadata, without building a header (the call path's
   * way).
   *
   * @throws InvalidCallException if the metadata exceeds this side's own header limits, which a
   *     provider with the same settings would refuse; nothing is sent then
   */
  public long sendRequest(
      RequestKey key,
      long deadlineUnixMicros,
      long timeoutMicros,
      Metadata metadata,
      BodyWriter body,
      ResponseListener listener) {
    if (metadata != null && !metadata.isEmpty()) {
      return send(withMetadata(key, deadlineUnixMicros, timeoutMicros, metadata), body, listener);
    }
    Link link = current;
    if (link == null) {
      return notOpen(listener);
    }
    link.hello.tell();
    long id = nextRequestId.incrementAndGet();
    return enqueue(
        link,
        id,
        encoder.encodeRequest(
            link.writes.allocator(),
            key,
            id,
            deadlineUnixMicros,
            timeoutMicros,
            body,
            link.hello.peer()),
        listener);
  }

  private Header.Builder withMetadata(
      RequestKey key, long deadlineUnixMicros, long timeoutMicros, Metadata metadata) {
    int entries = HeaderMetadata.entries(metadata);
    if (entries > limits.maxMetadataEntries()) {
      throw new InvalidCallException(
          "its metadata takes "
              + entries
              + " header entries, over the limit of "
              + limits.maxMetadataEntries()
              + " (setting maxmetadataentries)");
    }
    Header.Builder h =
        Header.newBuilder()
            .setVersion(Frame.PROTOCOL_VERSION)
            .setKind(Kind.KIND_REQUEST)
            .setService(key.service())
            .setMethod(key.method())
            .setDeadlineUnixMicros(deadlineUnixMicros)
            .setTimeoutMicros(timeoutMicros);
    HeaderMetadata.write(metadata, h);
    // With the largest request id the header could get: checked before one is taken.
    int size = h.setRequestId(Long.MAX_VALUE).build().getSerializedSize();
    if (size > limits.maxHeaderSize()) {
      throw new InvalidCallException(
          "its header with metadata takes "
              + size
              + " bytes, over the limit of "
              + limits.maxHeaderSize()
              + " (setting maxheadersize)");
    }
    return h;
  }

  private long notOpen(ResponseListener listener) {
    listener.onFailure(
        new ConnectionFailedException("connection to " + address() + " is not open", false, null));
    return -1;
  }

  private long enqueue(Link link, long id, ByteBuf frame, ResponseListener listener) {
    link.pending.put(id, listener);
    // The provider said GOAWAY after we picked this channel, which closes as soon as nothing is
    // pending: the request must not go out on it. It certainly did not run, so it may go to
    // another provider (RollingRestartIT). Otherwise the channel stays open until its reply.
    if (link.goingAway && link.pending.remove(id) != null) {
      frame.release();
      listener.onFailure(
          new ConnectionFailedException(
              "connection to " + address() + " is going away", false, null));
      return -1;
    }
    link.writes.enqueue(new RequestWrite(frame, link, id));
    // The channel may have closed after we picked it; its close handler may have missed this one.
    if (!link.channel.isActive()) {
      link.failPending("connection to " + address() + " closed");
    }
    return id;
  }

  /** A request's frame in the write queue; fails the request if the frame could not be written. */
  private final class RequestWrite extends WriteQueue.Pending implements ChannelFutureListener {
    private final Link link;
    private final long id;

    RequestWrite(ByteBuf frame, Link link, long id) {
      super(frame, null);
      this.link = link;
      this.id = id;
    }

    @Override
    ChannelFutureListener onFailure() {
      return this;
    }

    @Override
    public void operationComplete(ChannelFuture f) {
      if (!f.isSuccess()) {
        ResponseListener l = link.pending.remove(id);
        if (l != null) {
          // Refused before it was sent (too much waiting for this provider): it did not run.
          boolean notSent = f.cause() instanceof WriteQueue.QueueFullException;
          l.onFailure(
              new ConnectionFailedException(
                  "could not write to " + address() + ": " + f.cause().getMessage(),
                  notSent,
                  f.cause()));
        }
      }
    }
  }

  /**
   * Sends a heartbeat that asks whether the provider serves {@code service}, as a request: the
   * listener hears the provider's HEARTBEAT reply, whose status is {@code STATUS_OK} if it serves
   * the service, or the failure of the connection. Returns the request id, as {@link #send} does.
   */
  public long heartbeat(String service, ResponseListener listener) {
    return send(
        Header.newBuilder()
            .setVersion(Frame.PROTOCOL_VERSION)
            .setKind(Kind.KIND_HEARTBEAT)
            .setService(service),
        null,
        listener);
  }

  /**
   * What a provider said to a {@link #probe}: the service its reply names (empty from a provider
   * from before heartbeats named services, which cannot tell), its status for it, and how long it
   * took.
   */
  public record ProbeReply(String service, Status status, String message, long roundTripNanos) {
    public boolean serves() {
      return status == Status.STATUS_OK;
    }
  }

  /**
   * Connects if need be, then asks whether the provider serves {@code service} with a heartbeat
   * naming it (answered on the provider's event loop, without running application code): what both
   * the consumer's health checks and the command line's ping ask. Completes with the reply, or
   * exceptionally with why the connection failed; a provider that never answers leaves it pending,
   * so callers bound it with their own deadline.
   */
  public CompletableFuture<ProbeReply> probe(String service) {
    CompletableFuture<ProbeReply> result = new CompletableFuture<>();
    ready()
        .whenComplete(
            (ok, error) -> {
              if (error != null) {
                result.completeExceptionally(
                    error instanceof java.util.concurrent.CompletionException c
                            && c.getCause() != null
                        ? c.getCause()
                        : error);
                return;
              }
              long start = System.nanoTime();
              heartbeat(
                  service,
                  new ResponseListener() {
                    @Override
                    public void onResponse(Frame reply) {
                      long roundTrip = System.nanoTime() - start;
                      Header h = reply.header();
                      reply.release();
                      result.complete(
                          new ProbeReply(
                              h.getService(), h.getStatus(), h.getStatusMessage(), roundTrip));
                    }

                    @Override
                    public void onFailure(Throwable cause) {
                      result.completeExceptionally(cause);
                    }
                  });
            });
    return result;
  }

  /**
   * Forgets a request whose caller gave up and tells the provider to cancel it. Returns false if
   * the request had already ended.
   */
  public boolean cancel(long requestId) {
    Link link = current;
    if (link == null || link.pending.remove(requestId) == null) {
      return false;
    }
    link.writes.enqueue(
        encoder.encode(
            link.writes.allocator(),
            Header.newBuilder()
                .setVersion(Frame.PROTOCOL_VERSION)
                .setKind(Kind.KIND_CANCEL)
                .setRequestId(requestId)
                .build()),
        null);
    link.closeIfDrained();
    return true;
  }

  void close() {
    Link link;
    synchronized (this) {
      closed = true;
      link = current;
      current = null;
    }
    if (link != null) {
      link.channel.close().syncUninterruptibly();
      link.failPending("connection to " + address() + " was closed locally");
    }
  }

  /**
   * One channel of this connection and the requests waiting on it. A channel whose provider said
   * GOAWAY takes no new requests and closes once its last reply arrived; the next call opens a new
   * channel (or fails over if the provider stopped listening).
   */
  private final class Link extends SimpleChannelInboundHandler<Frame> {
    final Channel channel;
    final WriteQueue writes;
    final Map<Long, ResponseListener> pending = new ConcurrentHashMap<>();
    private volatile boolean goingAway;

    /** What this side and the provider on this channel told each other of their types. */
    final Hello hello;

    Link(Channel channel) {
      super(Frame.class, false);
      this.channel = channel;
      this.writes = writeQueues.apply(channel);
      this.hello = new Hello(shapes, encoder, writes);
    }

    void closed() {
      retire();
      failPending("connection to " + address() + " closed");
    }

    private void retire() {
      synchronized (Connection.this) {
        if (current == this) {
          current = null;
        }
      }
    }

    void failPending(String why) {
      for (Long id : pending.keySet()) {
        ResponseListener l = pending.remove(id);
        if (l != null) {
          l.onFailure(new ConnectionFailedException(why + " before the reply arrived", true, null));
        }
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
      writes.account();
      super.channelWritabilityChanged(ctx);
    }

    void closeIfDrained() {
      if (goingAway && pending.isEmpty()) {
        channel.close();
      }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
      Kind kind = frame.kind();
      // Heartbeats sent by heartbeat() wait for their echo like requests; the idle heartbeats
      // below carry request id 0, which is never pending.
      if (kind == Kind.KIND_RESPONSE || kind == Kind.KIND_HEARTBEAT) {
        ResponseListener l = pending.remove(frame.requestId());
        if (l != null) {
          l.onResponse(frame);
          closeIfDrained();
          return;
        }
      } else if (kind == Kind.KIND_HELLO) {
        if (!hello.hear(frame, address())) {
          ctx.close();
        }
        return;
      } else if (kind == Kind.KIND_GOAWAY) {
        log.debug("{} is going away", address());
        goingAway = true;
        retire();
        closeIfDrained();
      }
      // Idle heartbeat echoes, late replies to cancelled calls and unknown kinds end here.
      frame.release();
    }

    /**
     * Sends a heartbeat unless something was written in the last half interval, so that the
     * provider, which closes connections it hears nothing from for three intervals, keeps this one
     * (it hears something at least every one and a half); its echo keeps this side's reader
     * idleness at bay too. Runs on the event loop, every heartbeat interval: half an interval, not
     * a whole one, so that timer slack cannot skip every other heartbeat of an idle connection.
     */
    void heartbeatIfQuiet() {
      if (System.nanoTime() - writes.lastWriteNanos() >= heartbeatNanos / 2) {
        writes.enqueue(
            encoder.encode(
                writes.allocator(),
                Header.newBuilder()
                    .setVersion(Frame.PROTOCOL_VERSION)
                    .setKind(Kind.KIND_HEARTBEAT)
                    .build()),
            null);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof IdleStateEvent e && e.state() == IdleState.READER_IDLE) {
        log.warn("no data from {} for too long; closing the connection", address());
        ctx.close();
        return;
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.warn("closing connection to {}: {}", address(), cause.toString());
      ctx.close();
    }
  }
}
