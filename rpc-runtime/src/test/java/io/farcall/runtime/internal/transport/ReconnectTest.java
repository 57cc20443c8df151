package io.farcall.runtime.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.ConnectionFailedException;
import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.codec.proto.Kind;
import io.farcall.runtime.internal.codec.proto.Status;
import io.farcall.runtime.testing.LoopbackTransports;
import io.farcall.runtime.testing.Poll;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A connection whose provider is gone fails fast and retryably, then comes back by itself. */
class ReconnectTest {
  private static final TransportConfig CONFIG =
      new TransportConfig(1 << 20, Duration.ofSeconds(2), Duration.ofSeconds(10));

  @RegisterExtension final LoopbackTransports net = new LoopbackTransports(CONFIG);

  @Test
  void aRefusedConnectionFailsRetryablyThenReconnectsOnceTheProviderListens() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Connection c = net.client().connection("127.0.0.1", port);

    Throwable refused = failure(c.ready());
    assertThat(refused).isInstanceOf(ConnectionFailedException.class);
    assertThat(((ConnectionFailedException) refused).isRetryable()).isTrue();
    // While backing off, calls fail at once without another attempt, still retryably.
    Throwable backingOff = failure(c.ready());
    assertThat(backingOff)
        .isInstanceOf(ConnectionFailedException.class)
        .hasMessageContaining("next in");

    net.serve(new Echo(), port);
    boolean connected = Poll.until(() -> connects(c), ok -> ok, Duration.ofSeconds(10));
    assertThat(connected).as("reconnected within 10 s").isTrue();

    CompletableFuture<Header> reply = LoopbackTransports.sendEmptyRequest(c);
    assertThat(reply.get(5, TimeUnit.SECONDS).getStatus()).isEqualTo(Status.STATUS_OK);
  }

  /** Whether {@code c} is connected, once its attempt has ended (at most 5 s). */
  private static boolean connects(Connection c) {
    try {
      c.ready().get(5, TimeUnit.SECONDS);
      return true;
    } catch (java.util.concurrent.ExecutionException e) {
      return false;
    } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError("connection attempt did not end", e);
    }
  }

  private static Throwable failure(CompletableFuture<Void> f) throws InterruptedException {
    try {
      f.get(5, TimeUnit.SECONDS);
      throw new AssertionError("expected the connection to fail");
    } catch (java.util.concurrent.ExecutionException | CompletionException e) {
      return e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("connection attempt did not end", e);
    }
  }

  /** Answers every request with an empty OK reply. */
  private static final class Echo implements RequestHandler {
    @Override
    public void onRequest(ServerConnection connection, Frame request) {
      long id = request.header().getRequestId();
      request.release();
      connection.reply(
          Header.newBuilder()
              .setVersion(Frame.PROTOCOL_VERSION)
              .setKind(Kind.KIND_RESPONSE)
              .setRequestId(id)
              .setStatus(Status.STATUS_OK)
              .build(),
          null);
    }
  }
}
