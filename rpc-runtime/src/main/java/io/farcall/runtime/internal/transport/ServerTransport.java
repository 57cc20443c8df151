package io.farcall.runtime.internal.transport;

import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.codec.proto.Kind;
import io.farcall.runtime.internal.codec.proto.Status;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The provider's listening socket. Decodes frames, answers heartbeats itself and hands requests to
 * a {@link RequestHandler}. A connection whose stream is corrupt (frame over the maximum, header
 * that does not parse, wrong protocol version) is closed with one log line; every other connection
 * goes on.
 */
public final class ServerTransport implements AutoCloseable {
  private static final Logger log = LogManager.getLogger(ServerTransport.class);
  private static final AttributeKey<ServerConnection> CONNECTION =
      AttributeKey.valueOf(ServerTransport.class, "connection");

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final TransportConfig config;
  private final RequestHandler handler;
  private final FrameEncoder encoder;
  private final BodyCodec shapes;
  private final ChannelGroup channels;
  private final Tls tls;

  /** Notified whenever a connection closes, for {@link #awaitDisconnected}. */
  private final Object disconnected = new Object();

  private Channel serverChannel;

  /**
   * @param shapes the codec whose type shapes consumers are told when they connect
   */
  public ServerTransport(
      EventLoopGroup boss,
      EventLoopGroup workers,
      TransportConfig config,
      RequestHandler handler,
      BodyCodec shapes) {
    this.boss = boss;
    this.shapes = shapes;
    this.workers = workers;
    this.config = config;
    this.handler = handler;
    this.channels = new DefaultChannelGroup("farcall-server", boss.next());
    this.encoder = new FrameEncoder(config.maxFrameSize());
    this.tls = config.tls();
  }

  /** Binds and starts accepting; returns the bound address (useful with port 0). */
  public synchronized InetSocketAddress bind(String host, int port) {
    if (tls != null) {
      tls.server(); // a provider with TLS and no certificate stops here, naming the option
    }
    long idleMillis = 3 * config.heartbeatInterval().toMillis();
    ConnectionLimits limits = config.limits();
    MemoryBudget partialFrames = FrameDecoder.partialFrameBudget(limits);
    MemoryBudget queued = WriteQueue.queuedBudget(limits);
    ServerBootstrap b =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(limits.lowWaterMark(), limits.highWaterMark()))
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    channels.add(ch);
                    ch.closeFuture().addListener(f -> signalDisconnected());
                    ServerConnection conn =
                        new ServerConnection(
                            ch, encoder, shapes, new WriteQueue(ch, limits, queued, true));
                    ch.attr(CONNECTION).set(conn);
                    boolean waitForTls = tls != null && secure(ch, conn);
                    ch.pipeline()
                        .addLast(new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS))
                        .addLast(new FrameDecoder(config, partialFrames))
                        .addLast(new InboundHandler());
                    if (!waitForTls) {
                      conn.tellShapes();
                    }
                  }
                });
    try {
      serverChannel = b.bind(host, port).syncUninterruptibly().channel();
    } catch (Exception e) {
      throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e, e);
    }
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /**
   * Puts TLS first in a new connection's pipeline: only TLS ({@link Tls.Mode#ON}), or, while a
   * fleet moves to TLS ({@link Tls.Mode#PERMISSIVE}), TLS or plaintext as the consumer's first
   * bytes show. Returns true when the hello to the consumer must wait for that decision: written
   * before it, it would go out in plaintext to a consumer that speaks TLS.
   */
  private boolean secure(SocketChannel ch, ServerConnection conn) {
    SslContext context = tls.server();
    long timeoutMillis = config.connectTimeout().toMillis();
    if (tls.mode() == Tls.Mode.ON) {
      ch.pipeline().addLast(handshaking(context.newHandler(ch.alloc()), conn, timeoutMillis));
      return false;
    }
    ch.pipeline()
        .addLast(
            new OptionalSslHandler(context) {
              @Override
              protected SslHandler newSslHandler(ChannelHandlerContext ctx, SslContext c) {
                SslHandler h = handshaking(super.newSslHandler(ctx, c), conn, timeoutMillis);
                ctx.executor().execute(conn::tellShapes); // once this handler is replaced
                return h;
              }

              @Override
              protected ChannelHandler newNonSslHandler(ChannelHandlerContext ctx) {
                ctx.executor().execute(conn::tellShapes);
                return null;
              }
            });
    return true;
  }

  /** {@code h}, which tells {@code conn} who the consumer is once the handshake succeeded. */
  private static SslHandler handshaking(SslHandler h, ServerConnection conn, long timeoutMillis) {
    h.setHandshakeTimeoutMillis(timeoutMillis);
    h.handshakeFuture()
        .addListener(
            f -> {
              if (f.isSuccess()) {
                conn.secured(h.engine().getSession());
              }
            });
    return h;
  }

  /** Stops accepting new connections; open connections stay until {@link #close()}. */
  public synchronized void stopAccepting() {
    if (serverChannel != null) {
      serverChannel.close().syncUninterruptibly();
    }
  }

  /** Tells every connected consumer that this provider is going away. */
  public void goAway() {
    for (Channel ch : channels) {
      ServerConnection c = ch.attr(CONNECTION).get();
      if (c != null && c.isActive()) {
        c.reply(
            Header.newBuilder()
                .setVersion(Frame.PROTOCOL_VERSION)
                .setKind(Kind.KIND_GOAWAY)
                .build(),
            null);
      }
    }
  }

  private void signalDisconnected() {
    synchronized (disconnected) {
      disconnected.notifyAll();
    }
  }

  /**
   * Waits until every consumer closed its connection (as consumers do once told to go away and
   * their last reply arrived), up to the timeout; returns whether all did.
   */
  public boolean awaitDisconnected(long timeout, TimeUnit unit) throws InterruptedException {
    long end = System.nanoTime() + unit.toNanos(timeout);
    synchronized (disconnected) {
      while (!channels.isEmpty()) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(disconnected, left);
      }
    }
    return true;
  }

  @Override
  public synchronized void close() {
    stopAccepting();
    channels.close().syncUninterruptibly();
  }

  private final class InboundHandler extends SimpleChannelInboundHandler<Frame> {
    InboundHandler() {
      super(Frame.class, false);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
      ServerConnection conn = ctx.channel().attr(CONNECTION).get();
      switch (frame.kind()) {
        case KIND_REQUEST, KIND_ONEWAY -> {
          if (frame.refusal() == null) {
            handler.onRequest(conn, frame);
          } else {
            refuse(conn, frame);
          }
        }
        case KIND_HEARTBEAT -> {
          Header h = frame.header();
          frame.release();
          conn.reply(heartbeatReply(h), null);
        }
        case KIND_HELLO -> {
          if (!conn.heard(frame)) {
            ctx.close();
          }
        }
        case KIND_CANCEL -> {
          frame.release();
          conn.cancel(frame.requestId());
        }
        default -> {
          frame.release();
          log.debug("ignoring {} from {}", frame.kind(), ctx.channel().remoteAddress());
        }
      }
    }

    /** A request whose header is over a limit: refused alone, the connection serves on. */
    private void refuse(ServerConnection conn, Frame frame) {
      frame.release();
      if (conn.firstRefusal()) {
        log.warn(
            "refusing requests from {}: {} (logged once per connection)",
            conn.remoteAddress(),
            frame.refusal());
      }
      if (frame.kind() == Kind.KIND_REQUEST) {
        conn.reply(
            Header.newBuilder()
                .setVersion(Frame.PROTOCOL_VERSION)
                .setKind(Kind.KIND_RESPONSE)
                .setRequestId(frame.requestId())
                .setStatus(Status.STATUS_INVALID_ARGUMENT)
                .setStatusMessage(frame.refusal())
                .build(),
            null);
      }
    }

    /**
     * The echo of a heartbeat. One that names a service is a health check of that service: the
     * reply says whether it is served here (see {@code ServiceHeartbeatTest}).
     */
    private Header heartbeatReply(Header ping) {
      Header.Builder pong =
          Header.newBuilder()
              .setVersion(Frame.PROTOCOL_VERSION)
              .setKind(Kind.KIND_HEARTBEAT)
              .setRequestId(ping.getRequestId());
      if (!ping.getService().isEmpty()) {
        Status status = handler.health(ping.getService());
        pong.setService(ping.getService()).setStatus(status);
        if (status != Status.STATUS_OK) {
          pong.setStatusMessage(
              status == Status.STATUS_UNAVAILABLE
                  ? "provider is shutting down"
                  : "service '" + ping.getService() + "' is not served here");
        }
      }
      return pong.build();
    }

    /**
     * Backpressure: a consumer that does not read its replies as fast as they come is not read from
     * either, until what waits to be written to it drains below the low-water mark.
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
      Channel ch = ctx.channel();
      boolean writable = ch.isWritable();
      if (ch.config().isAutoRead() != writable) {
        ch.config().setAutoRead(writable);
        if (writable) {
          log.info("reading from {} again: its replies drained", ch.remoteAddress());
        } else {
          log.info(
              "not reading from {} until its replies drain: {} bytes wait to be written to it"
                  + " (setting highwatermark, {} bytes)",
              ch.remoteAddress(),
              ch.unsafe().outboundBuffer() == null
                  ? 0
                  : ch.unsafe().outboundBuffer().totalPendingWriteBytes(),
              config.limits().highWaterMark());
        }
      }
      ctx.channel().attr(CONNECTION).get().writabilityChanged();
      super.channelWritabilityChanged(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof IdleStateEvent) {
        log.info("closing idle connection from {}", ctx.channel().remoteAddress());
        ctx.close();
        return;
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof DecoderException) {
        Throwable reason = cause.getCause() != null ? cause.getCause() : cause;
        log.warn(
            "closing connection from {}: corrupt stream: {}",
            ctx.channel().remoteAddress(),
            reason.getMessage());
      } else if (cause instanceof IOException) {
        log.debug("connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      } else {
        log.warn("closing connection from {}", ctx.channel().remoteAddress(), cause);
      }
      ctx.close();
    }
  }
}
