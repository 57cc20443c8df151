package io.farcall.runtime.internal.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.farcall.runtime.internal.metrics.Exposition;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A small HTTP/1.1 server, on a thread of its own so that a scrape never delays a call, answering
 * {@code GET}s:
 *
 * <ul>
 *   <li>{@code /metrics}: the Prometheus text format, or the format the scraper's Accept header
 *       asks for (OpenMetrics, Prometheus protobuf);
 *   <li>{@code /health/live}: 200 while the runtime is open, else 503;
 *   <li>{@code /health/ready}: 200 when it is ready to serve, else 503; both with a JSON body.
 * </ul>
 *
 * Requests carry no body worth reading and are bounded (line, headers, time, connections), so no
 * client, however slow or large its request, holds more than a few kilobytes or any thread.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LogManager.getLogger(AdminServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Most admin connections open at once; further ones are closed as they arrive. */
  static final int MAX_CONNECTIONS = 32;

  /** How long a connection may stay silent, mid-request or between requests. */
  static final int IDLE_SECONDS = 10;

  /**
   * A health answer: the HTTP status says up (200) or not (503); {@code body}, written as a JSON
   * object, says why.
   */
  public record Health(boolean up, Map<String, ?> body) {}

  /** What the server serves; each is called on the admin thread, per request. */
  public record Content(
      Supplier<Health> live, Supplier<Health> ready, Function<String, Exposition> scrape) {}

  private final EventLoopGroup group;
  private final Channel channel;

  private AdminServer(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  /**
   * Listens on {@code host}:{@code port} (0 for any free port).
   *
   * @param content {@code scrape} takes the scraper's Accept header (or null) and returns the
   *     exposition in the format it asks for; a null {@code scrape} answers {@code /metrics} with
   *     404
   */
  public static AdminServer start(String host, int port, Content content) {
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("farcall-admin", true), NioIoHandler.newFactory());
    AtomicInteger open = new AtomicInteger();
    try {
      Channel ch =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_REUSEADDR, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                      if (open.incrementAndGet() > MAX_CONNECTIONS) {
                        open.decrementAndGet();
                        c.close();
                        return;
                      }
                      c.closeFuture().addListener(f -> open.decrementAndGet());
                      c.pipeline()
                          .addLast(new ReadTimeoutHandler(IDLE_SECONDS, TimeUnit.SECONDS))
                          .addLast(new HttpServerCodec(1024, 8192, 1024))
                          .addLast(new Handler(content));
                    }
                  })
              .bind(host, port)
              .syncUninterruptibly()
              .channel();
      AdminServer server = new AdminServer(group, ch);
      log.info(
          "admin endpoint listening on http://{}:{}",
          server.address().getHostString(),
          server.address().getPort());
      return server;
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IllegalStateException(
          "option 'adminport': cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /** Where it listens. */
  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
  }

  private static final class Handler extends SimpleChannelInboundHandler<HttpObject> {
    private final Content content;

    Handler(Content content) {
      this.content = content;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (!(msg instanceof HttpRequest req)) {
        return; // body chunks: nothing here takes a body
      }
      if (req.decoderResult().isFailure()) {
        respond(ctx, req, HttpResponseStatus.BAD_REQUEST, "text/plain", "bad request\n", false);
        return;
      }
      boolean head = req.method().equals(HttpMethod.HEAD);
      if (!head && !req.method().equals(HttpMethod.GET)) {
        respond(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "GET only\n", true);
        return;
      }
      String path = new QueryStringDecoder(req.uri()).path();
      try {
        switch (path) {
          case "/metrics" -> metrics(ctx, req, head);
          case "/health/live" -> health(ctx, req, content.live().get(), head);
          case "/health/ready", "/health" -> health(ctx, req, content.ready().get(), head);
          default ->
              respond(
                  ctx,
                  req,
                  HttpResponseStatus.NOT_FOUND,
                  "text/plain",
                  "not found; try /metrics, /health/live or /health/ready\n",
                  !head);
        }
      } catch (RuntimeException e) {
        log.warn("admin endpoint failed to answer {}", path, e);
        respond(ctx, req, HttpResponseStatus.INTERNAL_SERVER_ERROR, "text/plain", e + "\n", !head);
      }
    }

    private void metrics(ChannelHandlerContext ctx, HttpRequest req, boolean head) {
      if (content.scrape() == null) {
        respond(
            ctx,
            req,
            HttpResponseStatus.NOT_FOUND,
            "text/plain",
            "no Prometheus registry: put io.micrometer:micrometer-registry-prometheus on the class"
                + " path, or give the builder a PrometheusMeterRegistry\n",
            !head);
        return;
      }
      Exposition e = content.scrape().apply(req.headers().get(HttpHeaderNames.ACCEPT));
      respond(ctx, req, HttpResponseStatus.OK, e.contentType(), e.body(), !head);
    }

    private void health(ChannelHandlerContext ctx, HttpRequest req, Health h, boolean head) {
      respond(
          ctx,
          req,
          h.up() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
          "application/json",
          json(h.body()) + "\n",
          !head);
    }

    private static String json(Map<String, ?> body) {
      try {
        return JSON.writeValueAsString(body);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write " + body + " as JSON", e);
      }
    }

    private static void respond(
        ChannelHandlerContext ctx,
        HttpRequest req,
        HttpResponseStatus status,
        String type,
        String body,
        boolean withBody) {
      respond(ctx, req, status, type, body.getBytes(StandardCharsets.UTF_8), withBody);
    }

    private static void respond(
        ChannelHandlerContext ctx,
        HttpRequest req,
        HttpResponseStatus status,
        String type,
        byte[] bytes,
        boolean withBody) {
      FullHttpResponse res =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              status,
              withBody ? Unpooled.wrappedBuffer(bytes) : Unpooled.EMPTY_BUFFER);
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
      res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
      boolean keepAlive = HttpUtil.isKeepAlive(req) && !req.decoderResult().isFailure();
      if (keepAlive) {
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        ctx.writeAndFlush(res);
      } else {
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("admin connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    }
  }
}
