package io.farcall.agent.faults;

import static io.farcall.agent.faults.FaultReport.between;
import static org.assertj.core.api.Assertions.assertThat;

import acme.faults.Ledger;
import io.farcall.agent.faults.Load.Call;
import io.farcall.agent.faults.Providers.Provider;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.Farcall;
import io.farcall.runtime.testing.Poll;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 4: a three-node ZooKeeper ensemble loses its leader under load. Calls never ask
 * ZooKeeper, so none fails; once the two others have elected a new leader, a provider started then
 * registers and is found by the consumer.
 */
@Timeout(180)
class ZooKeeperLeaderLossIT {
  @RegisterExtension
  static final FaultReport report =
      new FaultReport(4, "ZooKeeper ensemble of three loses its leader, 32 callers");

  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();
  @TempDir Path executions;

  /** ZooKeeper's tick; sessions may last 2 to 20 ticks, elections take a few. */
  private static final int TICK_MILLIS = 500;

  private TestingCluster ensemble;

  @AfterEach
  void stopEnsemble() throws IOException {
    if (ensemble != null) {
      ensemble.close();
    }
  }

  @Test
  void losingTheZooKeeperLeaderFailsNoCallAndANewProviderIsFoundAfterTheElection()
      throws Exception {
    List<InstanceSpec> specs = new ArrayList<>();
    for (int id = 1; id <= 3; id++) {
      specs.add(
          new InstanceSpec(null, -1, -1, -1, true, id, TICK_MILLIS, -1, Map.of(), "127.0.0.1"));
    }
    ensemble = new TestingCluster(specs);
    ensemble.start();
    String registry = ensemble.getConnectString();
    InstanceSpec leader = awaitLeader(specs, Duration.ofSeconds(30));

    Provider a = Providers.ledger(jvms, "zk-A", registry, executions).awaitReady();
    Provider b = Providers.ledger(jvms, "zk-B", registry, executions).awaitReady();
    Provider c = Providers.ledger(jvms, "zk-C", registry, executions).awaitReady();

    long killedAt;
    long electedAt;
    long startedAt;
    long firstCall;
    List<Call> calls;
    try (Farcall consumer =
            Farcall.builder().registry(registry).timeout(Duration.ofSeconds(5)).build();
        Load load = Load.start("zk", consumer.stub(Ledger.class), 32)) {
      long start = System.nanoTime();
      for (Provider p : List.of(a, b, c)) {
        load.awaitServedBy(p.name(), start, Duration.ofSeconds(30));
      }
      load.runFor(Duration.ofSeconds(1));
      killedAt = System.nanoTime();
      assertThat(ensemble.killServer(leader)).as("killed the leader %s", leader).isTrue();
      List<InstanceSpec> left = new ArrayList<>(specs);
      left.remove(leader);
      InstanceSpec newLeader = awaitLeader(left, Duration.ofSeconds(60));
      electedAt = System.nanoTime();
      System.out.println("ZooKeeper leader " + leader + " killed; " + newLeader + " elected");

      startedAt = System.nanoTime();
      Provider d = Providers.ledger(jvms, "zk-D", registry, executions).awaitReady();
      firstCall = load.awaitServedBy(d.name(), startedAt, Duration.ofSeconds(30));
      load.runFor(Duration.ofSeconds(2));
      load.close();
      calls = load.calls();
    }
    Executions executed = Executions.read(executions);

    List<Call> failed = Load.failures(calls, x -> true);
    List<String> duplicates = executed.nonIdempotentRunMoreThanOnce(calls);
    report.load(calls.size(), failed.size(), duplicates.size());
    report.detect(between(killedAt, electedAt));
    report.recover(between(startedAt, firstCall));
    report.note("failures: " + Load.failureTypes(calls));

    assertThat(failed).as("failed calls; %s", Load.summary(calls)).isEmpty();
    assertThat(duplicates).as("non-idempotent calls that ran more than once").isEmpty();
    for (Provider p : List.of(a, b, c)) {
      assertThat(Load.lastServedBy(calls, p.name()).orElseThrow())
          .as("%s served calls after the election", p.name())
          .isGreaterThan(electedAt);
    }
  }

  /** Asks each server what it is ({@code srvr}) until one says it leads. */
  private static InstanceSpec awaitLeader(List<InstanceSpec> servers, Duration timeout) {
    return Poll.untilOrFail(
            "a leader among " + servers,
            () ->
                servers.stream()
                    .filter(s -> mode(s).filter("leader"::equals).isPresent())
                    .findFirst(),
            Optional::isPresent,
            timeout)
        .orElseThrow();
  }

  /** The server's {@code Mode:} line of {@code srvr}, if it answers. */
  private static Optional<String> mode(InstanceSpec server) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.getPort()), 1_000);
      socket.setSoTimeout(1_000);
      OutputStream out = socket.getOutputStream();
      out.write("srvr".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String reply = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      return reply
          .lines()
          .filter(l -> l.startsWith("Mode: "))
          .map(l -> l.substring("Mode: ".length()).trim())
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
