package io.farcall.runtime.internal.transport;

import static io.farcall.runtime.testing.RawFrames.frame;
import static io.farcall.runtime.testing.RawFrames.int32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.farcall.ConnectionFailedException;
import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.codec.proto.Kind;
import io.farcall.runtime.testing.LoopbackTransports;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A consumer has the same limits against a hostile provider as a provider has against its
 * consumers: a reply trickled a byte at a time, or a header over its limits, ends the connection
 * and fails the calls on it, rather than holding them until their deadlines (or forever, for a call
 * without one).
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES) // a guard against hangs, not a performance claim
class HostileProviderTest {
  private static final TransportConfig CONFIG =
      new TransportConfig(
          1 << 20,
          Duration.ofSeconds(2),
          Duration.ofSeconds(10),
          ConnectionLimits.DEFAULTS.withFrameTimeout(Duration.ofMillis(300)));

  @RegisterExtension final LoopbackTransports net = new LoopbackTransports(CONFIG);

  private ServerSocket server;
  private Thread provider;

  /** A "provider" that accepts one connection and answers whatever it reads with {@code reply}. */
  private int fakeProvider(ReplyWriter reply) throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    provider =
        new Thread(
            () -> {
              try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                in.read(); // the request has come
                reply.write(s.getOutputStream());
                while (in.read() >= 0) {
                  // until the consumer hangs up
                }
              } catch (IOException | InterruptedException e) {
                // the consumer hung up
              }
            },
            "fake-provider");
    provider.setDaemon(true);
    provider.start();
    return server.getLocalPort();
  }

  interface ReplyWriter {
    void write(OutputStream out) throws IOException, InterruptedException;
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (provider != null) {
      provider.join(5_000);
    }
  }

  /** Sends one request without a deadline and returns how it ended, within 10 s. */
  private Throwable callFails(int port) throws Exception {
    Connection c = net.client().connection("127.0.0.1", port);
    c.ready().get(5, TimeUnit.SECONDS);
    CompletableFuture<Header> reply = LoopbackTransports.sendEmptyRequest(c);
    Throwable failure = catchThrowable(() -> reply.get(10, TimeUnit.SECONDS));
    assertThat(failure).isInstanceOf(ExecutionException.class);
    return failure.getCause();
  }

  @Test
  void aReplyTrickledAByteAtATimeEndsTheConnectionAtTheFrameTimeout() throws Exception {
    int port =
        fakeProvider(
            out -> {
              out.write(int32(100_000));
              for (int i = 0; i < 400; i++) {
                out.write(0);
                out.flush();
                Thread.sleep(50); // the provider's pace
              }
            });
    assertThat(callFails(port))
        .isInstanceOf(ConnectionFailedException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void aReplyHeaderWithTooManyMetadataEntriesEndsTheConnection() throws Exception {
    Header.Builder many =
        Header.newBuilder()
            .setVersion(Frame.PROTOCOL_VERSION)
            .setKind(Kind.KIND_RESPONSE)
            .setRequestId(1);
    for (int i = 0; i < 100; i++) {
      many.putMetadata("k" + i, "v");
    }
    int port = fakeProvider(out -> out.write(frame(many.build().toByteArray(), new byte[0])));
    assertThat(callFails(port))
        .isInstanceOf(ConnectionFailedException.class)
        .hasMessageContaining("closed");
  }
}
