package io.farcall.runtime.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.codec.proto.Kind;
import io.farcall.runtime.internal.codec.proto.Status;
import io.farcall.runtime.testing.LoopbackTransports;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A heartbeat that names a service asks the provider whether it serves it. */
class ServiceHeartbeatTest {
  private static final TransportConfig CONFIG =
      new TransportConfig(1 << 20, Duration.ofSeconds(2), Duration.ofSeconds(10));

  @RegisterExtension final LoopbackTransports net = new LoopbackTransports(CONFIG);

  private Connection connection;
  private volatile Status healthOfServed = Status.STATUS_OK;

  @BeforeEach
  void start() throws Exception {
    int port =
        net.serve(
            new RequestHandler() {
              @Override
              public void onRequest(ServerConnection c, Frame request) {
                request.release();
              }

              @Override
              public Status health(String service) {
                return service.equals("acme.Served") ? healthOfServed : Status.STATUS_NOT_FOUND;
              }
            },
            0);
    connection = net.client().connection("127.0.0.1", port);
    connection.ready().get(5, TimeUnit.SECONDS);
  }

  @Test
  void aHeartbeatNamingAServedServiceIsAnsweredOkWithItsOwnRequestId() throws Exception {
    CompletableFuture<Header> reply = new CompletableFuture<>();
    long id = connection.heartbeat("acme.Served", LoopbackTransports.headerInto(reply));

    Header pong = reply.get(5, TimeUnit.SECONDS);
    assertThat(pong.getKind()).isEqualTo(Kind.KIND_HEARTBEAT);
    assertThat(pong.getRequestId()).isEqualTo(id).isPositive();
    assertThat(pong.getService()).isEqualTo("acme.Served");
    assertThat(pong.getStatus()).isEqualTo(Status.STATUS_OK);
    assertThat(connection.outstanding()).isZero();
  }

  @Test
  void aHeartbeatNamingAServiceNotServedThereIsAnsweredNotFound() throws Exception {
    CompletableFuture<Header> reply = new CompletableFuture<>();
    connection.heartbeat("acme.Elsewhere", LoopbackTransports.headerInto(reply));

    Header pong = reply.get(5, TimeUnit.SECONDS);
    assertThat(pong.getStatus()).isEqualTo(Status.STATUS_NOT_FOUND);
    assertThat(pong.getStatusMessage()).contains("acme.Elsewhere");
  }

  @Test
  void aProviderShuttingDownAnswersUnavailable() throws Exception {
    healthOfServed = Status.STATUS_UNAVAILABLE;
    CompletableFuture<Header> reply = new CompletableFuture<>();
    connection.heartbeat("acme.Served", LoopbackTransports.headerInto(reply));

    assertThat(reply.get(5, TimeUnit.SECONDS).getStatus()).isEqualTo(Status.STATUS_UNAVAILABLE);
  }

  @Test
  void concurrentHeartbeatsEachGetTheReplyToTheirOwnService() throws Exception {
    List<CompletableFuture<Header>> replies = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      CompletableFuture<Header> reply = new CompletableFuture<>();
      connection.heartbeat(
          i % 2 == 0 ? "acme.Served" : "acme.Other" + i, LoopbackTransports.headerInto(reply));
      replies.add(reply);
    }
    for (int i = 0; i < 50; i++) {
      Header pong = replies.get(i).get(5, TimeUnit.SECONDS);
      assertThat(pong.getStatus())
          .isEqualTo(i % 2 == 0 ? Status.STATUS_OK : Status.STATUS_NOT_FOUND);
      assertThat(pong.getService()).isEqualTo(i % 2 == 0 ? "acme.Served" : "acme.Other" + i);
    }
  }

  @Test
  void aHandlerThatKnowsNoServicesAnswersNotFound() {
    RequestHandler plain =
        new RequestHandler() {
          @Override
          public void onRequest(ServerConnection c, Frame request) {}
        };
    assertThat(plain.health("acme.Served")).isEqualTo(Status.STATUS_NOT_FOUND);
  }
}
