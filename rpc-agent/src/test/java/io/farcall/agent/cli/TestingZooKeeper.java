package io.farcall.agent.cli;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A real ZooKeeper server (Curator's TestingServer) on a free loopback port, per test class. */
public final class TestingZooKeeper implements BeforeAllCallback, AfterAllCallback {
  private TestingServer server;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, 2000, -1, null, "127.0.0.1");
    server = new TestingServer(spec, true);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (server != null) {
      server.close();
    }
  }

  public String connectString() {
    return server.getConnectString();
  }
}
