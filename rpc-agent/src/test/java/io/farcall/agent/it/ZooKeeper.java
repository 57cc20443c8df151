package io.farcall.agent.it;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A real ZooKeeper on a free loopback port for one test class. */
final class ZooKeeper implements BeforeAllCallback, AfterAllCallback {
  private TestingServer server;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server =
        new TestingServer(
            new InstanceSpec(null, -1, -1, -1, true, -1, 2000, -1, null, "127.0.0.1"), true);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    server.close();
  }

  String connectString() {
    return server.getConnectString();
  }
}
