package io.farcall.agent;

import io.farcall.runtime.FarcallOps;
import io.farcall.runtime.FarcallOps.LocalZooKeeper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code zookeeper}: a development ZooKeeper on 127.0.0.1 in the foreground. It prints one line
 * once it listens, and stops on SIGTERM or Ctrl-C, or, with {@code --stdin}, when its standard
 * input ends, which lets a parent process stop it by closing the pipe.
 */
final class ZooKeeperCommand {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private ZooKeeperCommand() {}

  static int run(int port, boolean untilStdinEnds, InputStream in, PrintStream out, PrintStream err)
      throws InterruptedException {
    LocalZooKeeper server;
    try {
      server = FarcallOps.startZooKeeper(port, START_TIMEOUT);
    } catch (IOException e) {
      err.println("farcall: could not start ZooKeeper: " + e.getMessage());
      return Cli.FAILED;
    }
    Thread hook =
        new Thread(
            () -> {
              server.close();
              err.println("farcall: ZooKeeper on " + server.connectString() + " stopped");
            },
            "farcall-zookeeper-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println(
        "ZooKeeper listening on "
            + server.connectString()
            + (untilStdinEnds ? "; stops when standard input ends" : "; Ctrl-C stops it"));
    out.flush();
    if (!untilStdinEnds) {
      new CountDownLatch(1).await(); // until the shutdown hook runs
    }
    try {
      while (in.read() >= 0) {
        // Anything typed is ignored; only the end of input matters.
      }
    } catch (IOException e) {
      // A broken input stops the server too.
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      return Cli.OK; // already shutting down: the hook stops the server
    }
    hook.run();
    return Cli.OK;
  }
}
