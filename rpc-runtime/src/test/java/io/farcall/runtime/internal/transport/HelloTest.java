package io.farcall.runtime.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.codec.PeerShapes;
import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.codec.proto.Kind;
import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.LoopbackTransports;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.ShapeTables;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Both sides of a connection tell each other their type shapes as it opens, and again when they
 * grew; the bodies each writes are given what the peer of that very connection said.
 */
class HelloTest {
  private static final TransportConfig CONFIG =
      new TransportConfig(1 << 20, Duration.ofSeconds(2), Duration.ofSeconds(10));

  private final BodyCodec codec = codecOf(Greeter.class);

  @RegisterExtension final LoopbackTransports net = new LoopbackTransports(CONFIG, codec);

  private final CompletableFuture<ServerConnection> served = new CompletableFuture<>();
  private final CompletableFuture<PeerShapes> replyWrittenFor = new CompletableFuture<>();
  private Connection connection;

  private static BodyCodec codecOf(Class<?> remote) {
    BodyCodec codec = new BodyCodec(List.of());
    codec.allowInterface(remote);
    return codec;
  }

  @BeforeEach
  void connect() throws Exception {
    int port =
        net.serve(
            new RequestHandler() {
              @Override
              public void onRequest(ServerConnection c, Frame request) {
                request.release();
                served.complete(c);
                c.replyOk(request.requestId(), (out, peer) -> replyWrittenFor.complete(peer));
              }
            },
            0);
    connection = net.client().connection("127.0.0.1", port);
    connection.ready().get(5, TimeUnit.SECONDS);
  }

  @Test
  void eachSideLearnsTheOthersShapesAsTheConnectionOpensAndWritesBodiesByThem() throws Exception {
    int shaped = ShapeTables.heardFrom(codec).size();
    assertThat(shaped).as("Greeter's types have shapes").isPositive();
    awaitSize(connection::peer, shaped);

    CompletableFuture<PeerShapes> requestWrittenFor = new CompletableFuture<>();
    CompletableFuture<Header> reply = new CompletableFuture<>();
    connection.send(request(), (out, peer) -> requestWrittenFor.complete(peer), headerOf(reply));
    reply.get(5, TimeUnit.SECONDS);

    assertThat(requestWrittenFor.get(5, TimeUnit.SECONDS)).isSameAs(connection.peer());
    ServerConnection server = served.get(5, TimeUnit.SECONDS);
    assertThat(server.peer().size()).isEqualTo(shaped);
    assertThat(replyWrittenFor.get(5, TimeUnit.SECONDS)).isSameAs(server.peer());
  }

  @Test
  void aSideWhoseTypesGrewTellsItsPeerAgainBeforeItsNextFrame() throws Exception {
    int before = ShapeTables.heardFrom(codec).size();
    awaitSize(connection::peer, before);

    codec.allowInterface(Chain.class);
    int after = ShapeTables.heardFrom(codec).size();
    assertThat(after).isGreaterThan(before);
    CompletableFuture<Header> reply = new CompletableFuture<>();
    connection.send(request(), (out, peer) -> {}, headerOf(reply));
    reply.get(5, TimeUnit.SECONDS);

    assertThat(served.get(5, TimeUnit.SECONDS).peer().size())
        .as("the consumer's hello went out ahead of its request")
        .isEqualTo(after);
    awaitSize(connection::peer, after); // and the provider's ahead of its reply
  }

  /** Another interface, with a type Greeter's do not have. */
  interface Chain {
    Link next(Link link);
  }

  record Link(String name, int depth) {}

  private static void awaitSize(Supplier<PeerShapes> peer, int size) {
    Poll.until(() -> peer.get().size(), n -> n == size, Duration.ofSeconds(5));
    assertThat(peer.get().size()).as("shapes heard from the peer").isEqualTo(size);
  }

  private static Header.Builder request() {
    return Header.newBuilder()
        .setVersion(Frame.PROTOCOL_VERSION)
        .setKind(Kind.KIND_REQUEST)
        .setService("s")
        .setMethod("m()");
  }

  private static ResponseListener headerOf(CompletableFuture<Header> reply) {
    return LoopbackTransports.headerInto(reply);
  }
}
