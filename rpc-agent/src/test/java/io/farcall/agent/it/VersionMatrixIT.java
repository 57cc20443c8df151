package io.farcall.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two builds of one application (src/it/versions/v1 and v2, compiled separately), in real JVMs with
 * the agent, calling each other both ways, as during a rolling upgrade. Every row of the README's
 * "Changing your types" table is a call here: each arrives with the exact values the other side
 * sent, or fails with an error that names the type and the field or constant. And the registry
 * shows the fleet as one of two contracts.
 */
class VersionMatrixIT {
  private static final Path VERSIONS = Path.of(System.getProperty("farcall.appVersions"));
  private static final Path V1 = VERSIONS.resolve("v1");
  private static final Path V2 = VERSIONS.resolve("v2");
  private static final String STORE = "acme.versions.Store";

  @RegisterExtension final ZooKeeperExtension zk = ZooKeeperExtension.perTest();
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();

  @Test
  void aVersionOneConsumerOfAVersionTwoProviderGetsEveryValueRightOrAClearError() throws Exception {
    provider("v2", V2);

    List<String> lines = consumer(V1);

    assertThat(lines)
        .contains(
            "get=s1/7",
            "put=v2 got s2/3/null",
            "rec=Rec[sku=s3, qty=4]",
            "colorOf-B=B",
            "nameOf-B=B",
            "wide=7/0.5",
            "child=kid",
            "fail=error io.farcall.RemoteException: acme.versions.OutOfStock: none left",
            "DONE");
    assertThat(line(lines, "colorOf-X"))
        .startsWith("error io.farcall.RpcException: cannot decode the reply")
        .contains("enum acme.versions.Color has no constant X here");
    assertThat(line(lines, "big"))
        .contains("field 'qty' of acme.versions.Wide is a int here")
        .contains("long value 1099511627776");
    assertThat(line(lines, "changed"))
        .startsWith("error io.farcall.InvalidCallException:")
        .contains(
            "field 'qty' of acme.versions.Changed arrived as a java.lang.Integer, but is a"
                + " java.lang.String here");
  }

  @Test
  void aVersionTwoConsumerOfAVersionOneProviderGetsEveryValueRightOrAClearError() throws Exception {
    provider("v1", V1);

    List<String> lines = consumer(V2);

    assertThat(lines)
        .contains(
            "get=s1/7/null",
            "put=v1 got s2/3",
            "rec=Rec[sku=s3, qty=4, note=null]",
            "colorOf-B=B",
            "nameOf-B=B",
            "wide=7/0.5",
            "big=2147483647/0.0",
            "child=kid",
            "fail=error io.farcall.RemoteException: acme.versions.OutOfStock: none left",
            "DONE");
    assertThat(line(lines, "colorOf-X"))
        .isEqualTo(
            "error java.lang.IllegalArgumentException: No enum constant acme.versions.Color.X");
    assertThat(line(lines, "nameOf-X"))
        .startsWith("error io.farcall.InvalidCallException:")
        .contains("enum acme.versions.Color has no constant X here");
    assertThat(line(lines, "changed"))
        .startsWith("error io.farcall.InvalidCallException:")
        .contains(
            "field 'qty' of acme.versions.Changed arrived as a java.lang.String, but is a int here");
    assertThat(line(lines, "added"))
        .startsWith("error io.farcall.InvalidCallException:")
        .contains("unknown method 'added()'");
  }

  @Test
  void aFleetOfBothVersionsShowsAsTwoContractsInTheRegistry() throws Exception {
    provider("v1", V1);
    provider("v2", V2);

    Jvm list = cli("list");
    assertThat(list.awaitExit(Duration.ofSeconds(60))).as(list.output()).isZero();
    assertThat(list.lines())
        .as(list.output())
        .contains(STORE + "   2 different contracts (java -jar rpc-agent.jar diff " + STORE + ")")
        .filteredOn(l -> l.endsWith(" *"))
        .hasSize(1);

    Jvm diff = cli("diff", STORE);
    assertThat(diff.awaitExit(Duration.ofSeconds(60))).as(diff.output()).isEqualTo(1);
    assertThat(diff.lines())
        .as(diff.output())
        .contains(
            STORE + ": 2 contracts among 2 providers",
            " class acme.versions.Item",
            "+    note: java.lang.String!",
            " enum acme.versions.Color",
            "+    X",
            "+record acme.versions.Note",
            "-    qty: int",
            "+    qty: long");
  }

  /**
   * Providers run on the newest JDK at hand (Temurin 25 where /usr/lib/jvm has it), consumers on
   * this one: the JDK's own types must agree across JDK versions too.
   */
  private void provider(String name, Path build) throws Exception {
    List<String> homes = Jvm.javaHomes();
    Jvm provider =
        Jvm.builder("provider-" + name)
            .javaHome(homes.get(homes.size() - 1))
            .agentOptions("registry=" + zk.connectString())
            .jvmArg("-Dapp.name=" + name)
            .classpath(build, Jvm.ANNOTATIONS_JAR)
            .main("acme.versions.StoreProvider")
            .start(jvms);
    provider.awaitLine(("READY " + name)::equals, Duration.ofSeconds(60));
  }

  private List<String> consumer(Path build) throws Exception {
    Jvm consumer =
        Jvm.builder("consumer")
            .agentOptions("registry=" + zk.connectString())
            .classpath(build, Jvm.ANNOTATIONS_JAR)
            .main("acme.versions.StoreConsumer")
            .start(jvms);
    assertThat(consumer.awaitExit(Duration.ofSeconds(60))).as(consumer.output()).isZero();
    return consumer.lines();
  }

  private Jvm cli(String... args) throws Exception {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--registry";
    all[args.length + 1] = zk.connectString();
    return Jvm.builder("cli").withoutAgent().jar(Jvm.AGENT_JAR, all).start(jvms);
  }

  /** What the consumer printed for {@code call}. */
  private static String line(List<String> lines, String call) {
    return lines.stream()
        .filter(l -> l.startsWith(call + "="))
        .findFirst()
        .map(l -> l.substring(call.length() + 1))
        .orElseThrow(() -> new AssertionError("no line for " + call + " in " + lines));
  }
}
