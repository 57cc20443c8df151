package io.farcall.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.farcall.agent.CliArgs.Command;
import io.farcall.agent.CliArgs.UsageException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CliArgsTest {
  @Test
  void listWithoutOptionsUsesTheLocalRegistryAndTheDefaultBasePath() throws Exception {
    CliArgs args = CliArgs.parse("list");

    assertThat(args.command()).isEqualTo(Command.LIST);
    assertThat(args.registry()).isEqualTo("127.0.0.1:2181");
    assertThat(args.basePath()).isEqualTo("/farcall");
  }

  @Test
  void optionsMayComeBeforeOrAfterTheCommandWithASpaceOrAnEqualsSign() throws Exception {
    CliArgs before = CliArgs.parse("--registry", "zk1:2181,zk2:2181", "ping", "acme.Inventory");
    CliArgs after =
        CliArgs.parse("ping", "acme.Inventory", "--registry=zk1:2181,zk2:2181", "--timeout=750");

    assertThat(before.command()).isEqualTo(Command.PING);
    assertThat(before.service()).isEqualTo("acme.Inventory");
    assertThat(before.registry()).isEqualTo("zk1:2181,zk2:2181");
    assertThat(after.registry()).isEqualTo("zk1:2181,zk2:2181");
    assertThat(after.timeout()).isEqualTo(Duration.ofMillis(750));
  }

  @Test
  void timeoutsTakeMillisecondsSecondsOrMinutes() throws Exception {
    assertThat(CliArgs.duration("--timeout", "500")).isEqualTo(Duration.ofMillis(500));
    assertThat(CliArgs.duration("--timeout", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(CliArgs.duration("--timeout", "3s")).isEqualTo(Duration.ofSeconds(3));
    assertThat(CliArgs.duration("--timeout", "1m")).isEqualTo(Duration.ofMinutes(1));
    assertThat(CliArgs.parse("ping", "s").timeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void diffTakesAServiceAndTheRegistryOptions() throws Exception {
    CliArgs args = CliArgs.parse("diff", "acme.Inventory", "--registry", "zk1:2181");
    assertThat(args.command()).isEqualTo(CliArgs.Command.DIFF);
    assertThat(args.service()).isEqualTo("acme.Inventory");
    assertThat(args.registry()).isEqualTo("zk1:2181");
  }

  @Test
  void zookeeperTakesAPortAndTheStdinFlag() throws Exception {
    CliArgs args = CliArgs.parse("zookeeper", "--port", "12181", "--stdin");

    assertThat(args.command()).isEqualTo(Command.ZOOKEEPER);
    assertThat(args.port()).isEqualTo(12181);
    assertThat(args.stdin()).isTrue();
    assertThat(CliArgs.parse("zookeeper").port()).isEqualTo(2181);
    assertThat(CliArgs.parse("zookeeper").stdin()).isFalse();
  }

  @Test
  void helpAnywhereWinsOverEverythingElse() throws Exception {
    assertThat(CliArgs.parse("--help").command()).isEqualTo(Command.HELP);
    assertThat(CliArgs.parse("-h").command()).isEqualTo(Command.HELP);
    assertThat(CliArgs.parse("help").command()).isEqualTo(Command.HELP);
    assertThat(CliArgs.parse("bogus", "--nonsense", "--help").command()).isEqualTo(Command.HELP);
  }

  @Test
  void everyMistakeIsNamedInOneLine() {
    assertUsage("no command given");
    assertUsage("unknown command 'bogus'", "bogus");
    assertUsage("unknown option '--registy'", "list", "--registy", "x:1");
    assertUsage("option --registry needs a value", "list", "--registry");
    assertUsage("option --port does not apply to list", "list", "--port", "1");
    assertUsage("option --timeout does not apply to list", "list", "--timeout", "1s");
    assertUsage("option --stdin does not apply to ping", "ping", "s", "--stdin");
    assertUsage("option --stdin takes no value", "zookeeper", "--stdin=yes");
    assertUsage("ping needs the name of a service", "ping");
    assertUsage("diff needs the name of a service", "diff");
    assertUsage("option --timeout does not apply to diff", "diff", "s", "--timeout", "1s");
    assertUsage("unexpected argument 'extra' after ping", "ping", "s", "extra");
    assertUsage("unexpected argument 'x' after list", "list", "x");
    assertUsage(
        "option --timeout: 'soon' is not a positive duration", "ping", "s", "--timeout", "soon");
    assertUsage("option --timeout: '0' is not a positive duration", "ping", "s", "--timeout", "0");
    assertUsage("option --port: '70000' is not a port number", "zookeeper", "--port", "70000");
    assertUsage("option --basepath: 'farcall' must start with /", "list", "--basepath", "farcall");
    assertUsage("option --registry: '' is not a ZooKeeper connect string", "list", "--registry=");
  }

  private static void assertUsage(String message, String... args) {
    assertThatThrownBy(() -> CliArgs.parse(args))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith(message)
        .hasMessageNotContaining("\n");
  }

  @Test
  void topTakesAnOptionalServiceAnIntervalAndACount() throws Exception {
    CliArgs all = CliArgs.parse("top", "--registry", "zk1:2181");
    CliArgs one = CliArgs.parse("top", "acme.Inventory", "--interval", "2s", "--count=3");

    assertThat(all.command()).isEqualTo(Command.TOP);
    assertThat(all.service()).isNull();
    assertThat(all.interval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(all.count()).isEqualTo(CliArgs.UNTIL_STOPPED);
    assertThat(one.service()).isEqualTo("acme.Inventory");
    assertThat(one.interval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(one.count()).isEqualTo(3);
  }

  @Test
  void topRefusesATooShortIntervalAndACountBelowOne() {
    assertThatThrownBy(() -> CliArgs.parse("top", "--interval", "10ms"))
        .isInstanceOf(UsageException.class)
        .hasMessage("option --interval: '10ms' is shorter than the shortest interval, 100ms");
    assertThatThrownBy(() -> CliArgs.parse("top", "--count", "0"))
        .isInstanceOf(UsageException.class)
        .hasMessage("option --count: '0' is not a number of tables, 1 or more");
    assertThatThrownBy(() -> CliArgs.parse("list", "--count", "2"))
        .isInstanceOf(UsageException.class)
        .hasMessage("option --count does not apply to list");
  }

  @Test
  void pingTakesTheTlsFilesToSpeakTlsWith() throws Exception {
    CliArgs a =
        CliArgs.parse(
            "ping", "acme.Inventory", "--tlsca", "ca.pem", "--tlscert=c.pem", "--tlskey", "k.pem");

    assertThat(a.tlsCa()).isEqualTo(java.nio.file.Path.of("ca.pem"));
    assertThat(a.tlsCert()).isEqualTo(java.nio.file.Path.of("c.pem"));
    assertThat(a.tlsKey()).isEqualTo(java.nio.file.Path.of("k.pem"));
    assertThatThrownBy(() -> CliArgs.parse("ping", "acme.Inventory", "--tlscert", "c.pem"))
        .isInstanceOf(UsageException.class)
        .hasMessage("options --tlscert and --tlskey go together");
    assertThatThrownBy(() -> CliArgs.parse("list", "--tlsca", "ca.pem"))
        .isInstanceOf(UsageException.class)
        .hasMessage("option --tlsca does not apply to list");
  }
}
