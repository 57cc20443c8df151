package io.farcall.agent.testing;

import io.farcall.runtime.testing.Poll;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * ZooKeeper's own server ({@code ZooKeeperServerMain}) in a JVM of its own, for tests whose server
 * needs system-wide settings (TLS, SASL) that must not leak into the test's JVM.
 */
public final class ZooKeeperJvm {
  private ZooKeeperJvm() {}

  /**
   * Starts it with {@code config} as its zoo.cfg lines (a data directory is added) and {@code
   * jvmArgs}, and waits until {@code port} accepts connections.
   */
  public static Jvm start(
      JvmProcesses jvms, Path dir, int port, List<String> config, List<String> jvmArgs)
      throws IOException {
    Path data = Files.createDirectories(dir.resolve("zk-data"));
    Path cfg =
        Files.writeString(
            dir.resolve("zoo.cfg"),
            "dataDir="
                + data
                + "\ntickTime=500\nadmin.enableServer=false\n"
                + String.join("\n", config)
                + "\n");
    Path[] classpath =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(Path::of)
            .toArray(Path[]::new);
    Jvm.Builder b = Jvm.builder("zookeeper").withoutAgent().classpath(classpath);
    jvmArgs.forEach(b::jvmArg);
    Jvm zk = b.main("org.apache.zookeeper.server.ZooKeeperServerMain", cfg.toString()).start(jvms);
    Poll.untilTrue("ZooKeeper listens on " + port, () -> listening(port), Duration.ofSeconds(60));
    return zk;
  }

  /** A port free now on loopback. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
