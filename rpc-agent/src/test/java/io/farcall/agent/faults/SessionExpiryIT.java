package io.farcall.agent.faults;

import static io.farcall.agent.faults.FaultReport.between;
import static org.assertj.core.api.Assertions.assertThat;

import acme.faults.Ledger;
import io.farcall.agent.faults.Load.Call;
import io.farcall.agent.faults.Providers.Provider;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.Farcall;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 5: ZooKeeper expires a provider's session (as it does when the provider misses its
 * heartbeats), which deletes its registration. The provider, an ordinary agent JVM, reconnects with
 * a new session and registers the same instance again, owned by that session, within seconds; calls
 * meanwhile go to the other provider, and none fails.
 */
@Timeout(120)
class SessionExpiryIT {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  @RegisterExtension
  static final FaultReport report =
      new FaultReport(5, "ZooKeeper expires a provider's session, 32 callers");

  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();
  @TempDir Path executions;

  private static final String SERVICE_PATH = "/farcall/" + Ledger.class.getName();

  /** "Within a few seconds of reconnecting": reconnection itself is immediate here. */
  private static final Duration REREGISTERED_WITHIN = Duration.ofSeconds(10);

  @Test
  void aProviderWhoseSessionExpiredIsRegisteredAgainByItsNewSessionWithinSeconds()
      throws Exception {
    Provider a = Providers.ledger(jvms, "session-A", zk.connectString(), executions).awaitReady();
    Provider b = Providers.ledger(jvms, "session-B", zk.connectString(), executions).awaitReady();

    long expiredAt;
    long goneAt = 0;
    long backAt = 0;
    String path;
    long oldSession;
    long newSession = 0;
    List<Call> calls;
    try (CuratorFramework observer =
            CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100));
        Farcall consumer =
            Farcall.builder().registry(zk.connectString()).timeout(Duration.ofSeconds(5)).build();
        Load load = Load.start("session", consumer.stub(Ledger.class), 32)) {
      observer.start();
      long start = System.nanoTime();
      for (Provider p : List.of(a, b)) {
        load.awaitServedBy(p.name(), start, Duration.ofSeconds(30));
      }
      path = instancePath(observer, a).orElseThrow();
      oldSession = owner(observer, path);
      load.runFor(Duration.ofSeconds(1));

      expiredAt = System.nanoTime();
      zk.expireSession(oldSession);
      AtomicLong firstGone = new AtomicLong();
      long owner =
          Poll.until(
              () -> {
                long now = owner(observer, path);
                if (now != oldSession) {
                  firstGone.compareAndSet(0, System.nanoTime());
                }
                return now;
              },
              now -> now != 0 && now != oldSession,
              REREGISTERED_WITHIN.minusNanos(System.nanoTime() - expiredAt));
      goneAt = firstGone.get();
      if (owner != 0 && owner != oldSession) {
        backAt = System.nanoTime();
        newSession = owner;
      }
      if (backAt != 0) {
        load.awaitServedBy(a.name(), backAt, Duration.ofSeconds(10));
      }
      load.runFor(Duration.ofSeconds(1));
      load.close();
      calls = load.calls();
    }

    List<Call> failed = Load.failures(calls, x -> true);
    report.load(
        calls.size(),
        failed.size(),
        Executions.read(executions).nonIdempotentRunMoreThanOnce(calls).size());
    if (goneAt != 0) {
      report.detect(between(expiredAt, goneAt));
    }
    if (backAt != 0) {
      report.recover(between(expiredAt, backAt));
    }
    report.note("failures: " + Load.failureTypes(calls));
    report.note(
        String.format(
            "instance node owned by session 0x%x, then by new session 0x%x",
            oldSession, newSession));

    assertThat(backAt)
        .as(
            "%s registered again (%s) by a session other than the expired 0x%x within %s",
            a.name(), path, oldSession, REREGISTERED_WITHIN)
        .isNotZero();
    assertThat(failed).as("failed calls; %s", Load.summary(calls)).isEmpty();
  }

  /** The registry node of {@code provider}'s instance, found by its port. */
  private static Optional<String> instancePath(CuratorFramework zk, Provider provider)
      throws Exception {
    for (String id : zk.getChildren().forPath(SERVICE_PATH)) {
      String json =
          new String(zk.getData().forPath(SERVICE_PATH + "/" + id), StandardCharsets.UTF_8);
      if (json.replace(" ", "").contains("\"port\":" + provider.port() + ",")) {
        return Optional.of(SERVICE_PATH + "/" + id);
      }
    }
    return Optional.empty();
  }

  /** The session owning the ephemeral node at {@code path}; 0 if there is none. */
  private static long owner(CuratorFramework zk, String path) {
    try {
      Stat stat = zk.checkExists().forPath(path);
      return stat == null ? 0 : stat.getEphemeralOwner();
    } catch (Exception e) {
      throw new IllegalStateException("reading " + path, e);
    }
  }
}
