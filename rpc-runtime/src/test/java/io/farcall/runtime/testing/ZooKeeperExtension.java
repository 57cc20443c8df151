package io.farcall.runtime.testing;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real ZooKeeper server (Curator's {@link TestingServer}) on a free loopback port.
 *
 * <ul>
 *   <li>{@code new ZooKeeperExtension()}, registered in a static field: one server for the test
 *       class, with ZooKeeper's usual 2 s tick.
 *   <li>{@link #perTest()}, registered in an instance field: a fresh server started before and
 *       closed after each test. Its tick is short so that sessions of a second or two are allowed,
 *       and {@link #stop()} and {@link #restart()} take it away and bring it back on the same port.
 * </ul>
 */
public final class ZooKeeperExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private static final int PER_TEST_TICK_MILLIS = 100;

  private final boolean perTest;
  private TestingServer server;

  /** One server for the test class; register it in a static field. */
  public ZooKeeperExtension() {
    this(false);
  }

  private ZooKeeperExtension(boolean perTest) {
    this.perTest = perTest;
  }

  /** A fresh server for each test, with a short tick; register it in an instance field. */
  public static ZooKeeperExtension perTest() {
    return new ZooKeeperExtension(true);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (!perTest) {
      server =
          new TestingServer(
              new InstanceSpec(null, -1, -1, -1, true, -1, 2000, -1, null, "127.0.0.1"), true);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (!perTest) {
      closeServer();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    if (perTest) {
      server =
          new TestingServer(
              new InstanceSpec(
                  null,
                  freePort(),
                  -1,
                  -1,
                  true,
                  1,
                  PER_TEST_TICK_MILLIS,
                  0,
                  Map.of(),
                  "127.0.0.1"),
              true);
    } else if (server == null) {
      throw new IllegalStateException(
          "a per-class ZooKeeperExtension starts before all tests: register it in a static field,"
              + " or use ZooKeeperExtension.perTest()");
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (perTest) {
      closeServer();
    }
  }

  /** {@code 127.0.0.1:port}. */
  public String connectString() {
    return server.getConnectString();
  }

  /** Stops the server, keeping its data, until {@link #restart()}. */
  public void stop() throws IOException {
    server.stop();
  }

  public void restart() throws Exception {
    server.restart();
  }

  /**
   * Makes the server expire {@code sessionId} now, as it does when a client misses its heartbeats:
   * the session's ephemeral nodes are deleted, and the client learns that its session expired when
   * it next reaches the server.
   */
  public void expireSession(long sessionId) throws ReflectiveOperationException {
    // TestingServer keeps its ZooKeeperServer to itself. With ZooKeeper 3.7+ curator-test 5 runs
    // an embedded server whose adapter hands out the connection factory, which knows the server.
    Object testingServer = call(server, "getTestingZooKeeperServer");
    Object main = call(testingServer, "getMain");
    ServerCnxnFactory connections = (ServerCnxnFactory) call(main, "getServerCnxnFactory");
    connections.getZooKeeperServer().expire(sessionId);
  }

  private static Object call(Object target, String method) throws ReflectiveOperationException {
    Method m = target.getClass().getDeclaredMethod(method);
    m.setAccessible(true);
    return m.invoke(target);
  }

  /** A TCP port on 127.0.0.1 that nothing listened on a moment ago. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  private void closeServer() throws IOException {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
