package io.farcall.runtime.internal.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real ZooKeeper server (Curator's {@link TestingServer}) on a free loopback port, started before
 * and closed after each test. Its tick is short so that sessions of a second or two are allowed.
 */
final class ZooKeeperExtension implements BeforeEachCallback, AfterEachCallback {
  static final int TICK_MILLIS = 100;

  private TestingServer server;

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    InstanceSpec spec =
        new InstanceSpec(null, freePort(), -1, -1, true, 1, TICK_MILLIS, 0, Map.of(), "127.0.0.1");
    server = new TestingServer(spec, true);
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (server != null) {
      server.close();
    }
  }

  String connectString() {
    return "127.0.0.1:" + server.getPort();
  }

  /** Stops the server, keeping its data, until {@link #restart()}. */
  void stop() throws IOException {
    server.stop();
  }

  void restart() throws Exception {
    server.restart();
  }

  /** A TCP port on 127.0.0.1 that nothing listened on a moment ago. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
