package io.farcall.agent.faults;

import static io.farcall.agent.faults.FaultReport.between;
import static org.assertj.core.api.Assertions.assertThat;

import acme.faults.Ledger;
import io.farcall.agent.faults.Load.Call;
import io.farcall.agent.faults.Providers.Provider;
import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.Farcall;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 6: ZooKeeper is stopped for 30 seconds under load. Calls never ask ZooKeeper, so none
 * fails; a consumer JVM started during the outage calls the providers it last saw, from the on-disk
 * cache of an earlier run on this machine; once ZooKeeper is back every provider is registered
 * again.
 */
@Timeout(180)
class ZooKeeperOutageIT {
  @RegisterExtension final ZooKeeperExtension zk = ZooKeeperExtension.perTest();

  @RegisterExtension
  static final FaultReport report =
      new FaultReport(6, "ZooKeeper stopped for 30 s, 32 callers; a consumer JVM starts meanwhile");

  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();
  @TempDir Path executions;

  /** The per-user cache directory of every JVM here, so that they share it and no other. */
  @TempDir Path cacheHome;

  private static final Duration OUTAGE = Duration.ofSeconds(30);
  private static final int CALLER_CALLS = 20;
  private static final String SERVICE_PATH = "/farcall/" + Ledger.class.getName();

  @Test
  void withZooKeeperDownForThirtySecondsNoCallFailsAndANewConsumerCallsTheProvidersItLastSaw()
      throws Exception {
    Map<String, String> env = Map.of("XDG_CACHE_HOME", cacheHome.toString());
    List<Provider> providers = new ArrayList<>();
    for (String name : List.of("outage-A", "outage-B", "outage-C")) {
      providers.add(provider(name, env).awaitReady());
    }
    // A consumer JVM that runs while ZooKeeper is up: it sees the providers (and so the cache
    // does).
    Jvm before = caller("caller-before", env);
    assertThat(before.awaitExit(Providers.START_LIMIT)).as(before.output()).isZero();

    Map<Integer, Long> ownersBefore;
    try (CuratorFramework observer = observer()) {
      ownersBefore = owners(observer);
    }
    assertThat(ownersBefore).hasSize(providers.size());

    long stoppedAt;
    long restartedAt;
    long registeredAt;
    int during;
    String duringOutput;
    List<Call> calls;
    try (Farcall consumer =
            Farcall.builder().registry(zk.connectString()).timeout(Duration.ofSeconds(5)).build();
        Load load = Load.start("outage", consumer.stub(Ledger.class), 32)) {
      long start = System.nanoTime();
      for (Provider p : providers) {
        load.awaitServedBy(p.name(), start, Duration.ofSeconds(30));
      }
      load.runFor(Duration.ofSeconds(1));
      stoppedAt = System.nanoTime();
      zk.stop();
      load.runFor(Duration.ofSeconds(5));

      Jvm newcomer = caller("caller-during", env);
      during = newcomer.awaitExit(Providers.START_LIMIT);
      duringOutput = newcomer.output();
      assertThat(System.nanoTime() - stoppedAt)
          .as("the new consumer ran while ZooKeeper was down")
          .isLessThan(OUTAGE.toNanos());

      load.runFor(OUTAGE.minusNanos(System.nanoTime() - stoppedAt));
      restartedAt = System.nanoTime();
      zk.restart();
      try (CuratorFramework observer = observer()) {
        Poll.untilTrue(
            "every provider registered again by a new session",
            () -> registeredAgain(observer, ownersBefore),
            Duration.ofSeconds(30));
      }
      registeredAt = System.nanoTime();
      for (Provider p : providers) {
        load.awaitServedBy(p.name(), registeredAt, Duration.ofSeconds(10));
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
    report.recover(between(restartedAt, registeredAt));
    report.note("failures: " + Load.failureTypes(calls));
    long duringOk = duringOutput.lines().filter(l -> l.startsWith("OK ")).count();
    report.note(
        "consumer JVM started during the outage: "
            + duringOk
            + " of "
            + CALLER_CALLS
            + " calls succeeded, exit status "
            + during);

    assertThat(failed).as("failed calls; %s", Load.summary(calls)).isEmpty();
    assertThat(calls.stream().filter(Call::ok))
        .as("calls served while ZooKeeper was down")
        .anySatisfy(
            x -> {
              assertThat(x.startNanos()).isGreaterThan(stoppedAt);
              assertThat(x.endNanos()).isLessThan(restartedAt);
            });
    assertThat(during)
        .as(
            "exit status of the consumer JVM started during the outage (its lines: [caller-during])")
        .isZero();
    assertThat(duringOutput).contains("DONE ok=" + CALLER_CALLS + " failed=0");
  }

  private Provider provider(String name, Map<String, String> env) throws Exception {
    return Providers.start(
        jvms, name, zk.connectString(), "", env, executions, "acme.faults.LedgerProvider");
  }

  private Jvm caller(String name, Map<String, String> env) throws Exception {
    Jvm.Builder b =
        Jvm.builder(name)
            .agentOptions("registry=" + zk.connectString())
            .jvmArg("-Dapp.name=" + name)
            .appClasspath()
            .main("acme.faults.LedgerCaller", Integer.toString(CALLER_CALLS));
    env.forEach(b::env);
    return b.start(jvms);
  }

  private CuratorFramework observer() {
    CuratorFramework observer =
        CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100));
    observer.start();
    return observer;
  }

  /** Each provider's port with the session owning its instance node. */
  private static Map<Integer, Long> owners(CuratorFramework zk) throws Exception {
    Map<Integer, Long> owners = new HashMap<>();
    for (String id : zk.getChildren().forPath(SERVICE_PATH)) {
      String path = SERVICE_PATH + "/" + id;
      Stat stat = new Stat();
      String json =
          new String(zk.getData().storingStatIn(stat).forPath(path), StandardCharsets.UTF_8);
      var port = java.util.regex.Pattern.compile("\"port\"\\s*:\\s*(\\d+)").matcher(json);
      if (port.find()) {
        owners.put(Integer.parseInt(port.group(1)), stat.getEphemeralOwner());
      }
    }
    return owners;
  }

  /** Whether every provider's instance is registered, and by another session than before. */
  private static boolean registeredAgain(CuratorFramework zk, Map<Integer, Long> before) {
    try {
      Map<Integer, Long> now = owners(zk);
      return before.entrySet().stream()
          .allMatch(e -> now.containsKey(e.getKey()) && !now.get(e.getKey()).equals(e.getValue()));
    } catch (Exception e) {
      return false;
    }
  }
}
