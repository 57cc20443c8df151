package io.farcall.runtime.internal.transport;

import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.metrics.RuntimeMetrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Hands out one shared, multiplexed {@link Connection} per provider address. Runs on an event-loop
 * group owned by the caller. Thread-safe.
 */
public final class ClientTransport implements AutoCloseable {
  private final Bootstrap bootstrap;
  private final FrameEncoder encoder;
  private final BodyCodec shapes;
  private final Duration heartbeatInterval;
  private final ConnectionLimits limits;
  private final MemoryBudget queued;
  private final Map<String, Connection> connections = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private final RuntimeMetrics metrics;
  private final Tls tls;
  private final java.time.Duration connectTimeout;

  /**
   * @param shapes the codec whose type shapes providers are told when a connection opens; null for
   *     a transport that sends no bodies (heartbeats only)
   */
  public ClientTransport(EventLoopGroup group, TransportConfig config, BodyCodec shapes) {
    this(group, config, shapes, RuntimeMetrics.NONE);
  }

  /** As above, reporting the connections it opens and closes, per provider, to {@code metrics}. */
  public ClientTransport(
      EventLoopGroup group, TransportConfig config, BodyCodec shapes, RuntimeMetrics metrics) {
    this.metrics = metrics;
    this.tls = config.tls();
    this.connectTimeout = config.connectTimeout();
    this.encoder = new FrameEncoder(config.maxFrameSize());
    this.shapes = shapes;
    this.heartbeatInterval = config.heartbeatInterval();
    this.limits = config.limits();
    this.queued = WriteQueue.queuedBudget(limits);
    MemoryBudget partialFrames = FrameDecoder.partialFrameBudget(limits);
    long heartbeatMillis = config.heartbeatInterval().toMillis();
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
            .option(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(limits.lowWaterMark(), limits.highWaterMark()))
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(
                            // Reader idleness only: Netty's writer-idle tracking costs a
                            // promise and a listener per frame written. Connection.Link sends
                            // heartbeats when it wrote nothing for an interval.
                            new IdleStateHandler(3 * heartbeatMillis, 0, 0, TimeUnit.MILLISECONDS))
                        .addLast(new FrameDecoder(config, partialFrames));
                    // Connection adds its own inbound handler once connected.
                  }
                });
  }

  /**
   * The shared plaintext connection to {@code host:port}; created on first use, connected lazily.
   * The same object for the transport's whole life, so callers may keep it (checking {@link
   * #checkOpen}).
   */
  public Connection connection(String host, int port) {
    return connection(host, port, false);
  }

  /**
   * As {@link #connection(String, int)}, over TLS if {@code secure}: a provider's TLS and plaintext
   * connections are separate.
   *
   * @throws IllegalStateException if {@code secure} and this transport has no TLS
   */
  public Connection connection(String host, int port, boolean secure) {
    checkOpen();
    if (secure && tls == null) {
      throw new IllegalStateException("no TLS configured for a connection to " + host + ":" + port);
    }
    return connections.computeIfAbsent(
        (secure ? "tls:" : "") + host + ":" + port,
        k ->
            new Connection(
                host,
                port,
                bootstrap,
                encoder,
                shapes,
                heartbeatInterval,
                limits,
                channel -> new WriteQueue(channel, limits, queued, false),
                metrics,
                secure ? tls : null,
                connectTimeout));
  }

  /** Throws {@link IllegalStateException} once the transport is closed. */
  public void checkOpen() {
    if (closed) {
      throw new IllegalStateException("client transport is closed");
    }
  }

  /**
   * Whether a connection to {@code host:port}, plaintext or TLS, exists and is open now; creates
   * nothing.
   */
  public boolean isConnected(String host, int port) {
    Connection plain = connections.get(host + ":" + port);
    Connection secure = connections.get("tls:" + host + ":" + port);
    return (plain != null && plain.isActive()) || (secure != null && secure.isActive());
  }

  /** The TLS this transport's secure connections speak, or null. */
  public Tls tls() {
    return tls;
  }

  @Override
  public void close() {
    closed = true;
    for (Connection c : connections.values()) {
      c.close();
    }
    connections.clear();
  }
}
