package io.farcall.runtime.internal.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/** Ending a client's ZooKeeper session on the server, as when it missed its heartbeats. */
final class Sessions {
  private Sessions() {}

  /**
   * Opens a second handle on {@code victim}'s session and closes it once connected, which ends the
   * session on the server (closed before it connected, it would leave the session alive).
   */
  static void expireOnServer(String connectString, Duration sessionTimeout, ZooKeeper victim)
      throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    Watcher watcher =
        event -> {
          if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
            connected.countDown();
          }
        };
    ZooKeeper twin =
        new ZooKeeper(
            connectString,
            (int) sessionTimeout.toMillis(),
            watcher,
            victim.getSessionId(),
            victim.getSessionPasswd());
    try {
      assertThat(connected.await(10, TimeUnit.SECONDS)).as("the twin handle connected").isTrue();
    } finally {
      twin.close();
    }
  }
}
