package io.farcall.runtime.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.codec.proto.Kind;
import io.farcall.runtime.testing.LoopbackTransports;
import io.farcall.runtime.testing.Poll;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Heartbeats keep a consumer connection open while the consumer has nothing to send, and a provider
 * that stops answering them is disconnected after three heartbeat intervals.
 */
class IdleHeartbeatTest {
  private static final Duration HEARTBEAT = Duration.ofMillis(100);
  private static final TransportConfig CONFIG =
      new TransportConfig(1 << 20, Duration.ofSeconds(2), HEARTBEAT);

  /** A heartbeat frame: length, header length, and a header of version, kind (and nothing else). */
  private static final int HEARTBEAT_FRAME_BYTES = 4 + 1 + 4;

  @RegisterExtension final LoopbackTransports net = new LoopbackTransports(CONFIG);

  @Test
  void anIdleConnectionOutlivesManyOfTheProvidersIdleTimeouts() throws Exception {
    int port = net.serve(new NoRequests(), 0);
    Connection c = net.client().connection("127.0.0.1", port);
    c.ready().get(5, TimeUnit.SECONDS);
    // The provider closes a connection it hears nothing from for three intervals (300 ms): ten
    // intervals of watching for it to close this one.
    Poll.until(c::isActive, active -> !active, HEARTBEAT.multipliedBy(10));
    assertThat(c.isActive()).isTrue();
    assertThat(net.client().isConnected("127.0.0.1", port)).isTrue();
  }

  @Test
  void aProviderThatStopsAnsweringIsDisconnectedAfterThreeIntervals() throws Exception {
    AtomicLong received = new AtomicLong();
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread reader =
          new Thread(
              () -> {
                try (Socket s = silent.accept();
                    InputStream in = s.getInputStream()) {
                  byte[] buf = new byte[256];
                  for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    received.addAndGet(n);
                  }
                } catch (Exception e) {
                  // closed: the test is over
                }
              },
              "silent-provider");
      reader.setDaemon(true);
      reader.start();

      Connection c = net.client().connection("127.0.0.1", silent.getLocalPort());
      c.ready().get(5, TimeUnit.SECONDS);
      long start = System.nanoTime();
      Poll.until(c::isActive, active -> !active, Duration.ofSeconds(5));
      long closedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(c.isActive()).as("disconnected within 5 s").isFalse();
      assertThat(closedAfterMillis).isGreaterThanOrEqualTo(3 * HEARTBEAT.toMillis() - 50);
      // It asked before giving up: at least two heartbeats went out.
      assertThat(received.get()).isGreaterThanOrEqualTo(2L * HEARTBEAT_FRAME_BYTES);
      reader.join(TimeUnit.SECONDS.toMillis(5));
    }
  }

  @Test
  void aConsumerThatOnlyReceivesStillSendsHeartbeats() throws Exception {
    // A provider that keeps sending (as one long reply would) but hears nothing back closes the
    // connection after three intervals; the consumer must speak up though it is reading.
    ByteBuf beat =
        new FrameEncoder(1 << 20)
            .encode(
                Frame.HEAP,
                Header.newBuilder()
                    .setVersion(Frame.PROTOCOL_VERSION)
                    .setKind(Kind.KIND_HEARTBEAT)
                    .build());
    byte[] frame = ByteBufUtil.getBytes(beat);
    beat.release();
    AtomicLong received = new AtomicLong();
    try (ServerSocket talker = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread provider =
          new Thread(
              () -> {
                try (Socket s = talker.accept()) {
                  s.setSoTimeout(20);
                  InputStream in = s.getInputStream();
                  OutputStream out = s.getOutputStream();
                  byte[] buf = new byte[256];
                  long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_000);
                  while (System.nanoTime() - end < 0) {
                    out.write(frame);
                    out.flush();
                    try {
                      int n = in.read(buf);
                      if (n < 0) {
                        return;
                      }
                      received.addAndGet(n);
                    } catch (SocketTimeoutException e) {
                      // nothing from the consumer in these 20 ms
                    }
                  }
                } catch (Exception e) {
                  // closed: the test is over
                }
              },
              "talking-provider");
      provider.setDaemon(true);
      provider.start();

      Connection c = net.client().connection("127.0.0.1", talker.getLocalPort());
      c.ready().get(5, TimeUnit.SECONDS);
      provider.join(TimeUnit.SECONDS.toMillis(5));
      // A second of reading and no writing: a heartbeat at least every one and a half intervals.
      assertThat(received.get()).isGreaterThanOrEqualTo(5L * HEARTBEAT_FRAME_BYTES);
    }
  }

  /** A provider that serves nothing; only heartbeats reach it. */
  private static final class NoRequests implements RequestHandler {
    @Override
    public void onRequest(ServerConnection connection, Frame request) {
      request.release();
      throw new AssertionError("no request was sent");
    }
  }
}
