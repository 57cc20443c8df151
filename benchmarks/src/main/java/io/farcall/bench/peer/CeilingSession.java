package io.farcall.bench.peer;

import io.farcall.bench.model.Page;
import io.farcall.bench.model.User;
import io.farcall.bench.model.UserService;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.internal.PlatformDependent;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ceiling: what the same bytes cost on raw Netty with nothing in between. The client sends
 * Farcall's frame for the call (header and Kryo body, as {@link FarcallFrames} encodes them) with
 * the request id in front; the server answers at once, on its event loop, with Farcall's reply
 * frame for it. No codec runs during the measurement, no executor, no registry, no deadline
 * tracking. Writes from callers are queued and written in one event-loop task with one flush per
 * batch; the server flushes once per read batch. Ids correlate replies to requests, so many callers
 * share the one connection, as Farcall's do.
 */
final class CeilingSession implements Peer.Session {
  private static final int MAX_FRAME = 16 * 1024 * 1024;

  private final EventLoopGroup serverGroup;
  private final EventLoopGroup clientGroup;
  private final Channel serverChannel;
  private final Client client;

  private CeilingSession(
      EventLoopGroup serverGroup, EventLoopGroup clientGroup, Channel server, Client client) {
    this.serverGroup = serverGroup;
    this.clientGroup = clientGroup;
    this.serverChannel = server;
    this.client = client;
  }

  static CeilingSession start(int providers) throws Exception {
    if (providers != 1) {
      throw new IllegalArgumentException("the ceiling runs one server");
    }
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    EventLoopGroup serverGroup =
        new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    EventLoopGroup clientGroup =
        new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    try {
      FarcallFrames frames = new FarcallFrames();
      Channel server =
          new ServerBootstrap()
              .group(serverGroup)
              .channel(NioServerSocketChannel.class)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 4, 0, 4))
                          .addLast(new ServerHandler(frames));
                    }
                  })
              .bind("127.0.0.1", 0)
              .sync()
              .channel();
      Client client = new Client(frames);
      Channel channel =
          new Bootstrap()
              .group(clientGroup)
              .channel(NioSocketChannel.class)
              .option(ChannelOption.TCP_NODELAY, true)
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 4, 0, 4))
                          .addLast(client.new ReplyHandler());
                    }
                  })
              .connect(server.localAddress())
              .sync()
              .channel();
      client.connect(channel);
      CeilingSession s = new CeilingSession(serverGroup, clientGroup, server, client);
      client.existUser("warm@example.org");
      return s;
    } catch (Exception | Error e) {
      clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  @Override
  public UserService client() {
    return client;
  }

  @Override
  public void close() {
    client.channel.close().syncUninterruptibly();
    serverChannel.close().syncUninterruptibly();
    clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /**
   * Answers each request with the reply frame registered for it; flushes once per read batch, or
   * sooner once a batch holds a lot of bytes, so that large replies start leaving at once.
   */
  private static final class ServerHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final int FLUSH_BYTES = 64 * 1024;
    private final FarcallFrames frames;
    private int unflushed;

    ServerHandler(FarcallFrames frames) {
      this.frames = frames;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf in) {
      byte[] reply = frames.reply(in.readInt());
      long id = in.readLong();
      ByteBuf out = ctx.alloc().buffer(12 + reply.length);
      out.writeInt(8 + reply.length).writeLong(id).writeBytes(reply);
      unflushed += out.readableBytes();
      if (unflushed >= FLUSH_BYTES) {
        unflushed = 0;
        ctx.writeAndFlush(out, ctx.voidPromise());
      } else {
        ctx.write(out, ctx.voidPromise());
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      unflushed = 0;
      ctx.flush();
    }
  }

  /** The caller's side, as a {@link UserService} whose calls move bytes and decode nothing. */
  private static final class Client implements UserService {
    private final FarcallFrames frames;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
    private final Queue<ByteBuf> queue = PlatformDependent.newMpscQueue();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    private Channel channel;

    Client(FarcallFrames frames) {
      this.frames = frames;
    }

    void connect(Channel channel) {
      this.channel = channel;
    }

    private void roundTrip(String method, Object... args) {
      FarcallFrames.Pair pair = frames.of(method, args);
      long id = ids.incrementAndGet();
      CompletableFuture<Void> done = new CompletableFuture<>();
      pending.put(id, done);
      ByteBuf out = channel.alloc().buffer(16 + pair.request().length);
      out.writeInt(12 + pair.request().length)
          .writeInt(pair.index())
          .writeLong(id)
          .writeBytes(pair.request());
      queue.add(out);
      if (scheduled.compareAndSet(false, true)) {
        channel.eventLoop().execute(drain);
      }
      try {
        done.get(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } catch (ExecutionException | TimeoutException e) {
        pending.remove(id);
        throw new IllegalStateException("ceiling call failed", e);
      }
    }

    /** Writes everything queued, then flushes once. */
    private void drain() {
      do {
        ByteBuf b;
        while ((b = queue.poll()) != null) {
          channel.write(b, channel.voidPromise());
        }
        scheduled.set(false);
      } while (!queue.isEmpty() && scheduled.compareAndSet(false, true));
      channel.flush();
    }

    final class ReplyHandler extends SimpleChannelInboundHandler<ByteBuf> {
      @Override
      protected void channelRead0(ChannelHandlerContext ctx, ByteBuf in) {
        CompletableFuture<Void> done = pending.remove(in.readLong());
        if (done != null) {
          done.complete(null);
        }
      }
    }

    @Override
    public boolean existUser(String email) {
      roundTrip("existUser", email);
      return true;
    }

    @Override
    public boolean createUser(User user) {
      roundTrip("createUser", user);
      return true;
    }

    @Override
    public User getUser(long id) {
      roundTrip("getUser", id);
      return null;
    }

    @Override
    public Page<User> listUser(int pageNo) {
      roundTrip("listUser", pageNo);
      return null;
    }

    @Override
    public byte[] echo(byte[] payload) {
      roundTrip("echo", (Object) payload);
      return payload;
    }

    @Override
    public CompletableFuture<Boolean> existUserAsync(String email) {
      throw new UnsupportedOperationException("the ceiling has no asynchronous calls");
    }

    @Override
    public CompletableFuture<Boolean> createUserAsync(User user) {
      throw new UnsupportedOperationException("the ceiling has no asynchronous calls");
    }

    @Override
    public CompletableFuture<User> getUserAsync(long id) {
      throw new UnsupportedOperationException("the ceiling has no asynchronous calls");
    }

    @Override
    public CompletableFuture<Page<User>> listUserAsync(int pageNo) {
      throw new UnsupportedOperationException("the ceiling has no asynchronous calls");
    }
  }
}
