package io.farcall.runtime.testing;

import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.transport.ClientTransport;
import io.farcall.runtime.internal.transport.Connection;
import io.farcall.runtime.internal.transport.Frame;
import io.farcall.runtime.internal.transport.RequestHandler;
import io.farcall.runtime.internal.transport.ResponseListener;
import io.farcall.runtime.internal.transport.ServerTransport;
import io.farcall.runtime.internal.transport.TransportConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A consumer transport and, on demand, provider transports on loopback, for tests of the transport
 * underneath the runtime. Everything it starts is closed after each test, whatever the test did.
 *
 * <pre>{@code
 * @RegisterExtension final LoopbackTransports net = new LoopbackTransports(CONFIG);
 * ...
 * int port = net.serve(handler, 0);
 * Connection c = net.client().connection("127.0.0.1", port);
 * }</pre>
 */
public final class LoopbackTransports implements BeforeEachCallback, AfterEachCallback {
  private final TransportConfig config;
  private final BodyCodec shapes;
  private final List<ServerTransport> servers = new ArrayList<>();
  private EventLoopGroup boss;
  private EventLoopGroup group;
  private ClientTransport client;

  public LoopbackTransports(TransportConfig config) {
    this(config, null);
  }

  /**
   * @param shapes the codec whose type shapes both sides tell each other when a connection opens;
   *     null for transports that tell nothing
   */
  public LoopbackTransports(TransportConfig config, BodyCodec shapes) {
    this.config = config;
    this.shapes = shapes;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    client = new ClientTransport(group, config, shapes);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    client.close();
    servers.forEach(ServerTransport::close);
    servers.clear();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** The consumer's transport; its connections use the same event loops as the providers. */
  public ClientTransport client() {
    return client;
  }

  /**
   * Starts a provider transport on 127.0.0.1.
   *
   * @param port the port to listen on; 0 for any free one
   * @return the port it listens on
   */
  public int serve(RequestHandler handler, int port) {
    ServerTransport server = new ServerTransport(boss, group, config, handler, shapes);
    servers.add(server);
    return server.bind("127.0.0.1", port).getPort();
  }

  /**
   * Sends a request with no body for method {@code m()} of service {@code s} on {@code c}; the
   * future completes with the reply's header, or the failure.
   */
  public static CompletableFuture<Header> sendEmptyRequest(Connection c) {
    CompletableFuture<Header> reply = new CompletableFuture<>();
    c.send(
        Header.newBuilder()
            .setVersion(Frame.PROTOCOL_VERSION)
            .setKind(io.farcall.runtime.internal.codec.proto.Kind.KIND_REQUEST)
            .setService("s")
            .setMethod("m()"),
        null,
        headerInto(reply));
    return reply;
  }

  /** A listener that completes {@code reply} with the header of the response, or its failure. */
  public static ResponseListener headerInto(CompletableFuture<Header> reply) {
    return new ResponseListener() {
      @Override
      public void onResponse(Frame response) {
        reply.complete(response.header());
        response.release();
      }

      @Override
      public void onFailure(Throwable cause) {
        reply.completeExceptionally(cause);
      }
    };
  }
}
