package io.farcall.runtime;

import static io.farcall.runtime.testing.RawFrames.assertClosedByPeer;
import static io.farcall.runtime.testing.RawFrames.frame;
import static io.farcall.runtime.testing.RawFrames.int32;
import static io.farcall.runtime.testing.RawFrames.readFrameHeader;
import static io.farcall.runtime.testing.RawFrames.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.farcall.RpcException;
import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.codec.HostileBodies;
import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.codec.proto.Kind;
import io.farcall.runtime.internal.codec.proto.Status;
import io.farcall.runtime.internal.transport.Frame;
import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.GreeterImpl;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input over a raw socket to a running provider: each gets an error reply where one can be
 * sent, or a closed connection where the stream is corrupt, and the provider keeps serving a
 * well-behaved client throughout. Netty leak detection (paranoid) fails the class on any leaked
 * buffer.
 */
class MalformedInputTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();
  private static final int MAX_FRAME = 64 * 1024;

  static Farcall provider;
  static Farcall consumer;
  static Greeter greeter;
  static InetSocketAddress address;

  @BeforeAll
  static void start() {
    provider = Farcall.builder().registry(zk.connectString()).maxFrameSize(MAX_FRAME).build();
    provider.export(new GreeterImpl("p"));
    address = provider.localAddress();
    consumer = Farcall.builder().registry(zk.connectString()).build();
    greeter = consumer.stub(Greeter.class);
    assertThat(greeter.greet("first")).isEqualTo("hello first");
  }

  @AfterAll
  static void stop() {
    consumer.close();
    provider.close();
  }

  @AfterEach
  void theProviderStillServesOtherClients() {
    assertThat(greeter.greet("still there")).isEqualTo("hello still there");
    assertThat(greeter.add(1, 2)).isEqualTo(3);
  }

  @Test
  void randomBytesCloseTheConnection() throws IOException {
    byte[] garbage = new byte[4096];
    new Random(42).nextBytes(garbage);
    try (Socket s = connect()) {
      s.getOutputStream().write(garbage);
      assertClosedByPeer(s);
    }
  }

  @Test
  void aLengthPrefixOverTheMaximumClosesTheConnectionBeforeReadingTheFrame() throws IOException {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write(int32(MAX_FRAME + 1));
      out.write(new byte[16]);
      assertClosedByPeer(s);
    }
  }

  @Test
  void aNegativeLengthPrefixClosesTheConnection() throws IOException {
    try (Socket s = connect()) {
      s.getOutputStream().write(int32(-5));
      assertClosedByPeer(s);
    }
  }

  @Test
  void aTruncatedFrameFollowedByEndOfStreamIsDroppedWithItsConnection() throws IOException {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write(int32(100));
      out.write(new byte[10]);
      out.flush();
      s.shutdownOutput();
      assertClosedByPeer(s);
    }
  }

  @Test
  void aHeaderOverTheMaximumHeaderSizeThatIsNoRequestClosesTheConnection() throws IOException {
    // About 20 KiB of metadata: a frame well under the maximum, a header over the 16 KiB default.
    // A request would be refused on its own (ConnectionLimitsTest); a heartbeat has no reply to
    // carry the refusal.
    Header.Builder huge = request(Greeter.class.getName(), "whoAmI()").setKind(Kind.KIND_HEARTBEAT);
    for (int i = 0; i < 2_000; i++) {
      huge.putMetadata("k" + i, "v");
    }
    assertThat(huge.build().getSerializedSize()).isBetween(17 * 1024, MAX_FRAME / 2);
    try (Socket s = connect()) {
      s.getOutputStream().write(frame(huge.build().toByteArray(), new byte[0]));
      assertClosedByPeer(s);
    }
  }

  @Test
  void aHelloWhoseShapeTableDoesNotDecodeClosesTheConnection() throws IOException {
    Header hello =
        Header.newBuilder().setVersion(Frame.PROTOCOL_VERSION).setKind(Kind.KIND_HELLO).build();
    // Claims 100,000 types in a few bytes.
    byte[] table = {(byte) 0xa0, (byte) 0x8d, 0x06, 1, 2, 3};
    try (Socket s = connect()) {
      s.getOutputStream().write(frame(hello.toByteArray(), table));
      assertClosedByPeer(s);
    }
  }

  @Test
  void aHeaderThatDoesNotParseClosesTheConnection() throws IOException {
    byte[] badHeader = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0x01};
    try (Socket s = connect()) {
      s.getOutputStream().write(frame(badHeader, new byte[0]));
      assertClosedByPeer(s);
    }
  }

  @Test
  void anUnknownProtocolVersionClosesTheConnection() throws IOException {
    try (Socket s = connect()) {
      s.getOutputStream()
          .write(frame(request("x", "y").setVersion(99).build().toByteArray(), new byte[0]));
      assertClosedByPeer(s);
    }
  }

  @Test
  void anUnknownServiceGetsAnErrorReplyAndTheConnectionStaysOpen() throws IOException {
    try (Socket s = connect()) {
      Header reply =
          call(s, request("no.such.Service", "greet(java.lang.String)").build(), new byte[0]);
      assertThat(reply.getStatus()).isEqualTo(Status.STATUS_NOT_FOUND);
      assertThat(reply.getStatusMessage()).contains("no.such.Service");
      assertHeartbeatAnswered(s);
    }
  }

  @Test
  void anUnknownMethodGetsAnErrorReplyAndTheConnectionStaysOpen() throws IOException {
    try (Socket s = connect()) {
      Header reply =
          call(s, request(Greeter.class.getName(), "shout(java.lang.String)").build(), new byte[0]);
      assertThat(reply.getStatus()).isEqualTo(Status.STATUS_NOT_FOUND);
      assertThat(reply.getStatusMessage()).contains("shout(java.lang.String)");
      assertHeartbeatAnswered(s);
    }
  }

  @Test
  void aBodyNamingAClassOutsideTheAllowedSetIsRefusedWithAnErrorReply() throws IOException {
    // A codec that allows one more type than the provider does encodes an argument of that type.
    BodyCodec rogue = new BodyCodec(List.of(NotAllowed.class));
    rogue.allowInterface(Greeter.class);
    byte[] body =
        HostileBodies.arguments(
            rogue, new Object[] {List.of(new NotAllowed("x"))}, new Class<?>[] {List.class});
    try (Socket s = connect()) {
      Header reply =
          call(s, request(Greeter.class.getName(), "squares(java.util.List)").build(), body);
      assertThat(reply.getStatus()).isEqualTo(Status.STATUS_INVALID_ARGUMENT);
      assertHeartbeatAnswered(s);
    }
  }

  @Test
  void aBodyOfGarbageIsRefusedWithAnErrorReply() throws IOException {
    byte[] body = new byte[64];
    new Random(7).nextBytes(body);
    try (Socket s = connect()) {
      Header reply =
          call(s, request(Greeter.class.getName(), "greet(java.lang.String)").build(), body);
      assertThat(reply.getStatus()).isEqualTo(Status.STATUS_INVALID_ARGUMENT);
      assertHeartbeatAnswered(s);
    }
  }

  @Test
  void aRequestWithMetadataIsServedThroughTheFullHeaderParser() throws IOException {
    // Metadata is outside what the decoder reads without protobuf; such a request takes the
    // slower path (header parsed, method found by name) and is served all the same.
    BodyCodec codec = new BodyCodec(List.of());
    codec.allowInterface(Greeter.class);
    byte[] body =
        HostileBodies.arguments(codec, new Object[] {2, 3}, new Class<?>[] {int.class, int.class});
    try (Socket s = connect()) {
      Header reply =
          call(
              s,
              request(Greeter.class.getName(), "add(int,int)")
                  .putMetadata("trace-id", "t1")
                  .build(),
              body);
      assertThat(reply.getStatus()).isEqualTo(Status.STATUS_OK);
    }
  }

  @Test
  void aCallWhoseFrameWouldExceedTheMaximumFailsOnTheCallerWithoutSendingAnything() {
    try (Farcall small =
        Farcall.builder().registry(zk.connectString()).maxFrameSize(MAX_FRAME).build()) {
      Greeter g = small.stub(Greeter.class);
      assertThatThrownBy(() -> g.greet("x".repeat(MAX_FRAME)))
          .isInstanceOf(RpcException.class)
          .hasMessageContaining("maximum frame size");
      assertThat(g.greet("small")).isEqualTo("hello small");
    }
  }

  @Test
  void aReplyOverTheProvidersMaximumBecomesAnErrorReplyNotABrokenConnection() {
    // The provider's limit is MAX_FRAME; this reply repeats the name well past it.
    Throwable t = catchThrowable(() -> greeter.greet("y".repeat(1000), 100));
    assertThat(t).isInstanceOf(RpcException.class).hasMessageContaining("maximum frame size");
  }

  /** A type no @Remote interface of the provider mentions. */
  public record NotAllowed(String value) {}

  private static Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(address, 2000);
    s.setSoTimeout(5000);
    return s;
  }

  private static Header call(Socket s, Header request, byte[] body) throws IOException {
    s.getOutputStream().write(frame(request.toByteArray(), body));
    Header reply = readFrameHeader(s.getInputStream());
    assertThat(reply.getKind()).isEqualTo(Kind.KIND_RESPONSE);
    assertThat(reply.getRequestId()).isEqualTo(request.getRequestId());
    return reply;
  }

  private static void assertHeartbeatAnswered(Socket s) throws IOException {
    Header ping =
        Header.newBuilder()
            .setVersion(Frame.PROTOCOL_VERSION)
            .setKind(Kind.KIND_HEARTBEAT)
            .setRequestId(5)
            .build();
    s.getOutputStream().write(frame(ping.toByteArray(), new byte[0]));
    Header pong = readFrameHeader(s.getInputStream());
    assertThat(pong.getKind()).isEqualTo(Kind.KIND_HEARTBEAT);
    assertThat(pong.getRequestId()).isEqualTo(5);
  }
}
