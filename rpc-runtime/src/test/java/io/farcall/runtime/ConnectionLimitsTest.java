package io.farcall.runtime;

import static io.farcall.runtime.testing.RawFrames.assertClosedByPeer;
import static io.farcall.runtime.testing.RawFrames.frame;
import static io.farcall.runtime.testing.RawFrames.int32;
import static io.farcall.runtime.testing.RawFrames.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.codec.HostileBodies;
import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.codec.proto.Status;
import io.farcall.runtime.internal.transport.ConnectionLimits;
import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.GreeterImpl;
import io.farcall.runtime.testing.LogCapture;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.RawFrames;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What one peer may make a provider's connections hold, tried over raw sockets against a provider
 * with small limits; a well-behaved consumer is served before and after each attack.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES) // a guard against hangs, not a performance claim
class ConnectionLimitsTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  private Farcall provider;
  private Farcall consumer;
  private Greeter greeter;
  private final List<Socket> sockets = new ArrayList<>();

  private void start(UnaryOperator<FarcallSettings.Builder> limits) {
    provider = limits.apply(Farcall.builder().registry(zk.connectString())).build();
    provider.export(new GreeterImpl("p"));
    consumer = Farcall.builder().registry(zk.connectString()).build();
    greeter = consumer.stub(Greeter.class);
    assertThat(greeter.greet("before")).isEqualTo("hello before");
  }

  @AfterEach
  void theProviderStillServes() throws IOException {
    try {
      if (greeter != null) {
        assertThat(greeter.greet("after")).isEqualTo("hello after");
      }
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
      if (consumer != null) {
        consumer.close();
      }
      if (provider != null) {
        provider.close();
      }
    }
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.setReceiveBufferSize(8 * 1024);
    s.connect(provider.localAddress(), 2000);
    s.setSoTimeout(10_000);
    return s;
  }

  @Test
  void aRequestWithMoreMetadataEntriesThanAllowedIsRefusedAloneAndItsConnectionServesOn()
      throws IOException {
    start(b -> b.maxMetadataEntries(8));
    Header.Builder many = request(Greeter.class.getName(), "whoAmI()").setRequestId(1);
    for (int i = 0; i < 9; i++) {
      many.putMetadata("k" + i, "v");
    }
    try (LogCapture log =
            LogCapture.of(io.farcall.runtime.internal.transport.ServerTransport.class);
        Socket s = connect()) {
      s.getOutputStream().write(frame(many.build().toByteArray(), new byte[0]));
      Header refused = readReply(s);
      assertThat(refused.getRequestId()).isEqualTo(1);
      assertThat(refused.getStatus()).isEqualTo(Status.STATUS_INVALID_ARGUMENT);
      assertThat(refused.getStatusMessage()).contains("9 metadata entries", "maxmetadataentries");
      assertThat(log.messages(Level.WARN))
          .anyMatch(m -> m.contains("9 metadata entries") && m.contains("maxmetadataentries"));

      s.getOutputStream()
          .write(
              frame(
                  request(Greeter.class.getName(), "whoAmI()")
                      .setRequestId(2)
                      .build()
                      .toByteArray(),
                  HostileBodies.arguments(Greeter.class, new Object[0])));
      Header served = readReply(s);
      assertThat(served.getRequestId()).isEqualTo(2);
      assertThat(served.getStatus()).as(served.getStatusMessage()).isEqualTo(Status.STATUS_OK);
    }
  }

  @Test
  void aRequestWithAHeaderOverTheLimitIsRefusedUnparsed() throws IOException {
    start(b -> b.maxHeaderSize(1024));
    Header.Builder big = request(Greeter.class.getName(), "whoAmI()").setRequestId(7);
    big.putMetadata("big", "x".repeat(2000));
    try (Socket s = connect()) {
      s.getOutputStream().write(frame(big.build().toByteArray(), new byte[0]));
      Header refused = readReply(s);
      assertThat(refused.getRequestId()).isEqualTo(7);
      assertThat(refused.getStatus()).isEqualTo(Status.STATUS_INVALID_ARGUMENT);
      assertThat(refused.getStatusMessage()).contains("maxheadersize");
    }
  }

  /** The next reply's header (the provider's hello skipped). */
  private static Header readReply(Socket s) throws IOException {
    return RawFrames.readFrameHeader(s.getInputStream());
  }

  @Test
  void aFrameTrickledAByteAtATimeIsCutOffAtTheFrameTimeout() throws Exception {
    start(b -> b.frameTimeout(Duration.ofMillis(500)));
    try (LogCapture log = LogCapture.of(FrameDecoderLog.SOURCE)) {
      Socket s = connect();
      OutputStream out = s.getOutputStream();
      out.write(int32(100_000));
      out.flush();
      // One byte every 50 ms: the idle timer (30 s) never fires, the frame never completes.
      Thread trickle =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 400; i++) {
                    out.write(0);
                    out.flush();
                    Thread.sleep(50); // the attacker's pace
                  }
                } catch (IOException | InterruptedException e) {
                  // cut off, as it should be
                }
              });
      trickle.setDaemon(true);
      trickle.start();
      assertClosedByPeer(s);
      trickle.join(5_000);
      assertThat(log.messages(Level.WARN))
          .anyMatch(m -> m.contains("has not arrived") && m.contains("frametimeout"));
    }
  }

  @Test
  void framesStillArrivingThatWouldHoldMoreThanTheBudgetCloseTheirConnection() throws Exception {
    start(b -> b.maxPartialFrameBytes(512 * 1024));
    try (LogCapture log = LogCapture.of(FrameDecoderLog.SOURCE)) {
      // Each announces a frame of 400 KiB and sends 300 KiB of it: both cannot fit.
      byte[] part = new byte[300 * 1024];
      for (int i = 0; i < 2; i++) {
        Socket s = connect();
        try {
          s.getOutputStream().write(int32(400 * 1024));
          s.getOutputStream().write(part);
          s.getOutputStream().flush();
        } catch (IOException e) {
          // closed while writing: the second, cut off
        }
      }
      List<String> warnings =
          Poll.until(
              () -> log.messages(Level.WARN),
              m -> m.stream().anyMatch(w -> w.contains("frames still arriving hold")),
              Duration.ofSeconds(5));
      assertThat(warnings)
          .anyMatch(
              m -> m.contains("frames still arriving hold") && m.contains("maxpartialframebytes"));
    }
  }

  /** Requests for about 100 KB of reply each, pipelined. */
  private static byte[] bigReplyRequests(int count) throws IOException {
    BodyCodec codec = new BodyCodec(List.of());
    codec.allowInterface(Greeter.class);
    byte[] body =
        HostileBodies.arguments(
            codec, new Object[] {"y".repeat(1_000), 100}, String.class, int.class);
    ByteArrayOutputStream requests = new ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      requests.write(
          frame(
              request(Greeter.class.getName(), "greet(java.lang.String,int)")
                  .setRequestId(i + 1)
                  .setTimeoutMicros(60_000_000)
                  .build()
                  .toByteArray(),
              body));
    }
    return requests.toByteArray();
  }

  /** Writes on a thread of its own, which may block for as long as the provider does not read. */
  private static Thread writeInBackground(Socket s, byte[] bytes) {
    Thread writer =
        new Thread(
            () -> {
              try {
                s.getOutputStream().write(bytes);
              } catch (IOException e) {
                // cut off while writing
              }
            });
    writer.setDaemon(true);
    writer.start();
    return writer;
  }

  @Test
  void aConsumerThatDoesNotReadItsRepliesIsNotReadFromUntilItDoes() throws Exception {
    start(
        b ->
            b.highWaterMark(64 * 1024)
                .maxQueuedBytes(64 << 20)
                .maxQueuedBytesTotal(128 << 20)
                .executorQueue(1_000));
    try (LogCapture server =
        LogCapture.of(io.farcall.runtime.internal.transport.ServerTransport.class)) {
      Socket s = connect();
      Thread writer = writeInBackground(s, bigReplyRequests(300));
      Poll.until(
          () -> server.messages(Level.INFO),
          m -> m.stream().anyMatch(i -> i.contains("not reading from")),
          Duration.ofSeconds(20));
      assertThat(server.messages(Level.INFO))
          .anyMatch(m -> m.contains("not reading from") && m.contains("highwatermark"));
      // Reading now, the consumer gets every reply: the provider read on as they drained.
      java.util.Set<Long> answered = new java.util.HashSet<>();
      while (answered.size() < 300) {
        Header reply = io.farcall.runtime.testing.RawFrames.readFrameHeader(s.getInputStream());
        assertThat(reply.getStatus())
            .isEqualTo(io.farcall.runtime.internal.codec.proto.Status.STATUS_OK);
        answered.add(reply.getRequestId());
      }
      assertThat(server.messages(Level.INFO))
          .anyMatch(m -> m.contains("reading from") && m.contains("again"));
      writer.join(5_000);
    }
  }

  @Test
  void aConsumerThatDoesNotReadItsRepliesIsCutOffPastMaxQueuedBytes() throws Exception {
    start(b -> b.highWaterMark(64 * 1024).maxQueuedBytes(2 << 20).executorQueue(1_000));
    try (LogCapture queue = LogCapture.of(WriteQueueLog.SOURCE)) {
      Socket s = connect();
      Thread writer = writeInBackground(s, bigReplyRequests(300));
      List<String> warnings =
          Poll.until(
              () -> queue.messages(Level.WARN),
              m -> m.stream().anyMatch(w -> w.contains("maxqueuedbytes")),
              Duration.ofSeconds(20));
      assertThat(warnings).anyMatch(w -> w.contains("over the limit of " + (2 << 20)));
      // Only now read: what was written before the cut, then the end of the stream.
      assertClosedByPeer(s);
      writer.join(5_000);
    }
  }

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    ConnectionLimits d = Farcall.builder().settings().connectionLimits();
    assertThat(d).isEqualTo(ConnectionLimits.DEFAULTS);
    assertThat(d.maxHeaderSize()).isEqualTo(16 * 1024);
    assertThat(d.maxMetadataEntries()).isEqualTo(64);
    assertThat(d.frameTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.maxPartialFrameBytes()).isEqualTo(64L << 20);
    assertThat(d.highWaterMark()).isEqualTo(1 << 20);
    assertThat(d.maxQueuedBytes()).isEqualTo(64L << 20);
    assertThat(d.maxQueuedBytesTotal()).isEqualTo(128L << 20);
    greeter = null; // nothing started
  }

  /** The transport classes whose log lines these tests read (package-private there). */
  private static final class FrameDecoderLog {
    static final Class<?> SOURCE = load("FrameDecoder");
  }

  private static final class WriteQueueLog {
    static final Class<?> SOURCE = load("WriteQueue");
  }

  private static Class<?> load(String simpleName) {
    try {
      return Class.forName("io.farcall.runtime.internal.transport." + simpleName);
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }
}
