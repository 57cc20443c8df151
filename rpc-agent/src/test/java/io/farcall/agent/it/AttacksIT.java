package io.farcall.agent.it;

import static io.farcall.runtime.testing.RawFrames.frame;
import static io.farcall.runtime.testing.RawFrames.int32;
import static io.farcall.runtime.testing.RawFrames.readFrameHeader;
import static io.farcall.runtime.testing.RawFrames.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import acme.attacked.Target;
import acme.attacked.Target.Bomb;
import acme.attacked.Target.Health;
import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.Farcall;
import io.farcall.runtime.internal.codec.HostileBodies;
import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.codec.proto.Status;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The attacks a provider must survive, against a provider JVM started with the agent, its default
 * limits and {@code -Xmx256m}, over loopback, while a legitimate consumer calls it throughout.
 * After each attack the provider answers a normal call within 2 s, its heap after a collection is
 * back near where it started, and no thread of it died of what it was sent.
 */
@Timeout(180)
class AttacksIT {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();

  private static final String SERVICE = Target.class.getName();
  private static final String SIZE = "size(java.lang.Object)";

  /** What the heap may hold after an attack, beyond what it held before, after a collection. */
  private static final long HEAP_SLACK = 24L << 20;

  private Jvm provider;
  private InetSocketAddress address;
  private Farcall consumer;
  private Target target;
  private long heapBefore;
  private Thread legit;
  private final AtomicLong legitOk = new AtomicLong();
  private final AtomicLong legitFailed = new AtomicLong();
  private volatile boolean stop;
  private final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    int port = ZooKeeperExtension.freePort();
    provider =
        Jvm.builder("target")
            .agentOptions("registry=" + zk.connectString() + ",port=" + port)
            .jvmArg("-Xmx256m")
            .appClasspath()
            .main("acme.attacked.TargetProvider")
            .start(jvms);
    provider.awaitLine(l -> l.equals("READY"), Duration.ofSeconds(60));
    address = new InetSocketAddress("127.0.0.1", port);
    consumer =
        Farcall.builder().registry(zk.connectString()).timeout(Duration.ofSeconds(2)).build();
    target = consumer.stub(Target.class);
    awaitServing();
    heapBefore = target.health().heapUsedAfterGc();
    legit =
        new Thread(
            () -> {
              while (!stop) {
                try {
                  if ("legit".equals(target.echo("legit"))) {
                    legitOk.incrementAndGet();
                  } else {
                    legitFailed.incrementAndGet();
                  }
                } catch (RuntimeException e) {
                  legitFailed.incrementAndGet();
                }
                try {
                  Thread.sleep(5); // a steady trickle of calls, not a load test
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "legit-consumer");
    legit.setDaemon(true);
    legit.start();
  }

  /** Polls until the consumer has found the provider in the registry, for at most 30 s. */
  private void awaitServing() {
    Poll.untilOrFail(
        "the consumer served",
        () -> catchThrowable(() -> target.echo("ready?")),
        Objects::isNull,
        Duration.ofSeconds(30));
  }

  @AfterEach
  void theProviderIsWell(TestInfo test) throws Exception {
    try {
      for (Socket s : sockets) {
        s.close();
      }
      long okBefore = legitOk.get();
      // A normal call, answered within 2 s (the stub's deadline).
      long asked = System.nanoTime();
      assertThat(target.echo("after")).isEqualTo("after");
      long answeredMicros = (System.nanoTime() - asked) / 1_000;
      Health health = target.health();
      System.out.printf(
          "ATTACK %s: normal call answered in %d us; heap after GC %d KiB (before %d KiB);"
              + " legit calls during it ok %d, failed %d%n",
          test.getTestMethod().orElseThrow().getName(),
          answeredMicros,
          health.heapUsedAfterGc() >> 10,
          heapBefore >> 10,
          legitOk.get(),
          legitFailed.get());
      assertThat(health.uncaught()).as("threads that died").isEmpty();
      assertThat(health.heapUsedAfterGc()).isLessThan(heapBefore + HEAP_SLACK);
      assertThat(provider.output()).doesNotContain("OutOfMemoryError");
      awaitMoreLegitCallsThan(okBefore);
    } finally {
      stop = true;
      if (legit != null) {
        legit.join(5_000);
      }
      if (consumer != null) {
        consumer.close();
      }
    }
  }

  /** The legitimate consumer goes on being served: polls until it has more calls answered. */
  private void awaitMoreLegitCallsThan(long count) {
    Poll.untilOrFail(
        "legit calls answered after the attack: more than " + (count + 10),
        legitOk::get,
        n -> n > count + 10,
        Duration.ofSeconds(5));
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.setReceiveBufferSize(16 * 1024);
    s.connect(address, 2000);
    s.setSoTimeout(20_000);
    return s;
  }

  private static byte[] call(long id, String method, byte[] body) throws IOException {
    return frame(request(SERVICE, method).setRequestId(id).build().toByteArray(), body);
  }

  /** Sends one request on a connection of its own and returns the reply's header. */
  private Header ask(String method, byte[] body) throws IOException {
    Socket s = connect();
    s.getOutputStream().write(call(1, method, body));
    return readFrameHeader(s.getInputStream());
  }

  @Test
  void smallBodiesThatWouldTakeMemoryTimeOrAThreadGetAnErrorReply() throws Exception {
    // Ten bytes declaring 2^30 nulls: refused before a single one is added.
    for (Class<?> type : List.of(ArrayList.class, HashSet.class, List.of(1, 2, 3).getClass())) {
      for (int count : new int[] {1 << 30, Integer.MAX_VALUE - 1}) {
        Header reply = ask(SIZE, HostileBodies.nulls(type, count));
        assertThat(reply.getStatus()).isEqualTo(Status.STATUS_INVALID_ARGUMENT);
        assertThat(reply.getStatusMessage()).contains("exceeds");
      }
    }
    // 72 sets of colliding keys in flight at once: each refused, none takes quadratic time.
    byte[] colliding = HostileBodies.collidingLists(12_000);
    List<Socket> flood = new ArrayList<>();
    for (int c = 0; c < 8; c++) {
      Socket s = connect();
      ByteArrayOutputStream requests = new ByteArrayOutputStream();
      for (int i = 0; i < 9; i++) {
        requests.write(call(i + 1, SIZE, colliding));
      }
      s.getOutputStream().write(requests.toByteArray());
      flood.add(s);
    }
    for (Socket s : flood) {
      for (int i = 0; i < 9; i++) {
        Header reply = readFrameHeader(s.getInputStream());
        assertThat(reply.getStatus()).isEqualTo(Status.STATUS_INVALID_ARGUMENT);
        assertThat(reply.getStatusMessage()).contains("collide");
      }
    }
    // An Error thrown while decoding (a record's constructor): an error reply, the thread lives.
    byte[] bomb = HostileBodies.arguments(Target.class, new Object[] {new Bomb(1)}, Bomb.class);
    assertThat(bomb[bomb.length - 1]).as("1, zigzag-encoded, last").isEqualTo((byte) 2);
    bomb[bomb.length - 1] = 1; // -1
    Header exploded = ask("open(acme.attacked.Target$Bomb)", bomb);
    assertThat(exploded.getStatus()).isEqualTo(Status.STATUS_INVALID_ARGUMENT);
    assertThat(exploded.getStatusMessage()).contains("boom");
    assertThat(provider.output()).contains("refused a request whose arguments do not decode");
    // Deadlines of Long.MAX_VALUE, as time left and as an instant: served, not refused as passed.
    Socket s = connect();
    byte[] echo = HostileBodies.arguments(Target.class, new Object[] {"far"}, String.class);
    s.getOutputStream()
        .write(
            frame(
                request(SERVICE, "echo(java.lang.String)")
                    .setTimeoutMicros(Long.MAX_VALUE)
                    .setDeadlineUnixMicros(Long.MAX_VALUE)
                    .build()
                    .toByteArray(),
                echo));
    assertThat(readFrameHeader(s.getInputStream()).getStatus()).isEqualTo(Status.STATUS_OK);
  }

  @Test
  void twelveLargeHashSetsAtOnceAreDecodedAFewAtATimeAndTheRestRefused() throws Exception {
    byte[] body = HostileBodies.integerSet((8 << 20) - 4096);
    List<Socket> senders = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Socket s = connect();
      senders.add(s);
      inBackground(() -> s.getOutputStream().write(call(1, SIZE, body)));
    }
    int served = 0;
    int refused = 0;
    int cut = 0;
    for (Socket s : senders) {
      Header reply;
      try {
        reply = readFrameHeader(s.getInputStream());
      } catch (java.io.EOFException | java.net.SocketException e) {
        cut++; // while arriving, for the partial-frame budget
        continue;
      }
      if (reply.getStatus() == Status.STATUS_OK) {
        served++;
      } else {
        assertThat(reply.getStatus()).isEqualTo(Status.STATUS_RESOURCE_EXHAUSTED);
        assertThat(reply.getStatusMessage()).contains("maxdecodingbytes");
        refused++;
      }
    }
    System.out.printf(
        "large sets: %d served, %d refused as overloaded, %d cut off while arriving%n",
        served, refused, cut);
    assertThat(served).isPositive();
    if (refused > 0) {
      assertThat(provider.output()).contains("held-bytes budget");
    }
  }

  @Test
  void requestsWithHalfAMillionMetadataEntriesAreRefusedUnparsed() throws Exception {
    Header.Builder huge = request(SERVICE, "echo(java.lang.String)");
    for (int i = 0; i < 500_000; i++) {
      huge.putMetadata(Integer.toString(i), "");
    }
    byte[] frame = frame(huge.build().toByteArray(), new byte[0]);
    for (int i = 0; i < 8; i++) {
      Socket s = connect();
      s.getOutputStream().write(frame);
      Header reply = readFrameHeader(s.getInputStream());
      assertThat(reply.getStatus()).isEqualTo(Status.STATUS_INVALID_ARGUMENT);
      assertThat(reply.getStatusMessage()).contains("maxheadersize");
    }
    assertThat(provider.output()).contains("maxheadersize");
  }

  @Test
  void slowlorisConnectionsAreCutOffAtTheFrameTimeout() throws Exception {
    // 200 connections announce an 8 MiB frame and send one byte a second.
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Socket s = connect();
      s.getOutputStream().write(int32(8 << 20));
      slow.add(s);
    }
    long end = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    Set<Socket> open = new HashSet<>(slow);
    while (!open.isEmpty() && System.nanoTime() - end < 0) {
      for (Socket s : List.copyOf(open)) {
        if (closedByPeer(s)) {
          open.remove(s);
          continue;
        }
        try {
          s.getOutputStream().write(0);
        } catch (IOException e) {
          open.remove(s);
        }
      }
      Thread.sleep(1_000); // the attacker's pace: a byte a second
    }
    assertThat(open).as("connections still open after 40 s").isEmpty();
    assertThat(provider.output()).contains("frametimeout");
  }

  @Test
  void nearlyCompleteFramesCannotPinMoreThanThePartialFrameBudget() throws Exception {
    // 40 connections each send all but 64 bytes of an 8 MiB frame: 320 MiB if all were held.
    byte[] part = new byte[(8 << 20) - 64];
    List<Thread> writers = new ArrayList<>();
    List<Socket> nearly = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Socket s = connect();
      nearly.add(s);
      writers.add(
          inBackground(
              () -> {
                OutputStream out = s.getOutputStream();
                out.write(int32(8 << 20));
                out.write(part);
              }));
    }
    for (Socket s : nearly) {
      assertClosed(s); // by the budget, or at the latest by the frame timeout
    }
    for (Thread t : writers) {
      t.join(5_000);
    }
    assertThat(provider.output()).contains("maxpartialframebytes");
  }

  @Test
  void aConnectionThatNeverReadsItsRepliesIsCutOff() throws Exception {
    // 5,000 requests for a 1 MiB reply each, pipelined, and nothing read.
    byte[] blob = HostileBodies.arguments(Target.class, new Object[] {1 << 20}, int.class);
    ByteArrayOutputStream requests = new ByteArrayOutputStream();
    for (int i = 0; i < 5_000; i++) {
      requests.write(call(i + 1, "blob(int)", blob));
    }
    Socket s = connect();
    Thread writer = inBackground(() -> s.getOutputStream().write(requests.toByteArray()));
    provider.awaitLine(l -> l.contains("maxqueuedbytes"), Duration.ofSeconds(30));
    assertClosed(s);
    writer.join(5_000);
  }

  interface Io {
    void run() throws IOException;
  }

  /** Runs {@code io} on a daemon thread; an IOException (a connection cut off) ends it. */
  private static Thread inBackground(Io io) {
    Thread t =
        new Thread(
            () -> {
              try {
                io.run();
              } catch (IOException e) {
                // cut off while writing: what the test checks for otherwise
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Reads until the provider closes the connection; fails after 20 s (the socket's timeout). */
  private static void assertClosed(Socket s) {
    io.farcall.runtime.testing.RawFrames.assertClosedByPeer(s);
  }

  /** Whether the provider closed the connection; reads what it sent, waiting 1 ms at most. */
  private static boolean closedByPeer(Socket s) throws IOException {
    int timeout = s.getSoTimeout();
    s.setSoTimeout(1);
    try {
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      while (true) {
        if (in.read(buf) < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    } finally {
      if (!s.isClosed()) {
        s.setSoTimeout(timeout);
      }
    }
  }
}
