package io.farcall.agent.cli;

import static io.farcall.agent.cli.CliProcesses.cli;
import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.agent.cli.CliProcesses.Result;
import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.Farcall;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code java -jar rpc-agent.jar zookeeper} as a development registry run by a parent process. */
@Timeout(120)
class ZooKeeperCliIT {
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();

  @Test
  void itListensServesRegistrationsAndStopsWhenItsInputEnds() throws Exception {
    int port = CliProcesses.freePort();
    String registry = "127.0.0.1:" + port;
    Jvm zookeeper =
        Jvm.builder("zookeeper")
            .withoutAgent()
            .jar(
                Path.of(CliProcesses.agentJar()),
                "zookeeper",
                "--port",
                Integer.toString(port),
                "--stdin")
            .separateStderr()
            .start(jvms);
    String line = zookeeper.firstLine(Duration.ofSeconds(30));
    assertThat(line).as(zookeeper.err()).startsWith("ZooKeeper listening on " + registry);

    try (Farcall provider = Farcall.builder().registry(registry).build()) {
      provider.export(new CatalogImpl());
      Result list = cli("list", "--registry", registry);
      assertThat(list.status()).as(list.toString()).isZero();
      assertThat(list.outLines().get(0)).isEqualTo(Catalog.class.getName());
      assertThat(list.outLines().get(1))
          .startsWith("  127.0.0.1:" + provider.localAddress().getPort() + " ");

      Result taken = cli("zookeeper", "--port", Integer.toString(port));
      assertThat(taken.status()).as(taken.toString()).isEqualTo(1);
      assertThat(taken.err()).contains("port " + port + " on 127.0.0.1 is already in use");
    }

    zookeeper.closeInput();
    assertThat(zookeeper.awaitExit(Duration.ofSeconds(30))).as(zookeeper.err()).isZero();
    assertThat(CliProcesses.isFree(port)).as("the port is free again").isTrue();
  }
}
