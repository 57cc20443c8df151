package io.farcall.agent.cli;

import static io.farcall.agent.cli.CliProcesses.address;
import static io.farcall.agent.cli.CliProcesses.cli;
import static io.farcall.agent.cli.CliProcesses.testClasses;
import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.agent.cli.CliProcesses.Result;
import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.Farcall;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code java -jar rpc-agent.jar list|ping} as a real process, against a real ZooKeeper and two
 * providers exported with the runtime API in this JVM.
 */
@Timeout(120)
class ListAndPingCliIT {
  private static final String CATALOG = Catalog.class.getName();
  private static final String PRICING = Pricing.class.getName();
  private static final String SINCE = "since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC";

  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();

  static Farcall providerA;
  static Farcall providerB;

  @BeforeAll
  static void start() {
    providerA = Farcall.builder().registry(zk.connectString()).build();
    providerB = Farcall.builder().registry(zk.connectString()).build();
    providerA.export(new CatalogImpl());
    providerB.export(new CatalogImpl());
    // Pricing had a provider, which stopped: the service stays registered with none.
    try (Farcall retired = Farcall.builder().registry(zk.connectString()).build()) {
      retired.export(new PricingImpl());
    }
  }

  @AfterAll
  static void stop() {
    for (Farcall f : new Farcall[] {providerA, providerB}) {
      if (f != null) {
        f.close();
      }
    }
  }

  @Test
  void listShowsEveryServiceWithEachProvidersAddressRegistrationTimeAndId() {
    Result r = cli("list", "--registry", zk.connectString());

    assertThat(r.status()).as(r.toString()).isZero();
    List<String> lines = r.outLines();
    assertThat(lines).as(r.toString()).hasSize(5);
    assertThat(lines.get(0)).isEqualTo(CATALOG);
    assertThat(lines.subList(1, 3))
        .anySatisfy(l -> assertThat(l).startsWith("  " + address(providerA) + " "))
        .anySatisfy(l -> assertThat(l).startsWith("  " + address(providerB) + " "))
        .allSatisfy(
            l ->
                assertThat(l)
                    .matches(
                        "  127\\.0\\.0\\.1:\\d+ +" + SINCE + "   id \\S+   contract [0-9a-f]{16}"));
    // The columns line up whatever the port numbers' lengths.
    assertThat(lines.get(1).indexOf("since")).isEqualTo(lines.get(2).indexOf("since"));
    assertThat(lines.subList(3, 5)).containsExactly(PRICING, "  (no providers)");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void diffOfProvidersOfOneVersionSaysTheyAgree() {
    Result r = cli("diff", CATALOG, "--registry", zk.connectString());

    assertThat(r.status()).as(r.toString()).isZero();
    assertThat(r.outLines())
        .singleElement(as(InstanceOfAssertFactories.STRING))
        .matches(
            java.util.regex.Pattern.quote(CATALOG)
                + ": all 2 providers have contract [0-9a-f]{16}");
  }

  @Test
  void pingSucceedsWhenEveryProviderAnswers() {
    Result r = cli("ping", CATALOG, "--registry", zk.connectString(), "--timeout", "5s");

    assertThat(r.status()).as(r.toString()).isZero();
    assertThat(r.outLines())
        .as(r.toString())
        .hasSize(2)
        .allSatisfy(l -> assertThat(l).matches("127\\.0\\.0\\.1:\\d+ +ok +\\d+\\.\\d\\d ms"))
        .anySatisfy(l -> assertThat(l).startsWith(address(providerA) + " "))
        .anySatisfy(l -> assertThat(l).startsWith(address(providerB) + " "));
    assertThat(r.err()).isEmpty();
  }

  @Test
  void pingFailsNamingAProviderThatDiedWithoutDeregistering() throws Exception {
    // Its own base path, so that the dead registration (it lasts until the session expires)
    // stays out of the other tests.
    String basePath = "/farcall-abrupt";
    try (Farcall live = Farcall.builder().registry(zk.connectString()).basePath(basePath).build()) {
      Jvm doomed =
          Jvm.builder("doomed-provider")
              .withoutAgent()
              .classpath(Path.of(CliProcesses.agentJar()), Path.of(testClasses()))
              .main(CatalogProvider.class.getName(), zk.connectString(), basePath)
              .separateStderr()
              .start(jvms);
      live.export(new CatalogImpl());
      String ready = doomed.firstLine(Duration.ofSeconds(30));
      assertThat(ready).as(doomed.err()).startsWith("READY ");
      String deadAddress = "127.0.0.1:" + ready.substring("READY ".length());
      Result before =
          cli("ping", CATALOG, "--registry", zk.connectString(), "--basepath", basePath);
      assertThat(before.status()).as(before.toString()).isZero();

      doomed.kill(); // SIGKILL: no deregistration, no goodbye
      doomed.awaitExit(Duration.ofSeconds(10));
      Result r =
          cli(
              "ping",
              CATALOG,
              "--registry",
              zk.connectString(),
              "--basepath",
              basePath,
              "--timeout",
              "2s");

      assertThat(r.status()).as(r.toString()).isEqualTo(1);
      assertThat(r.outLines())
          .as(r.toString())
          .hasSize(2)
          .contains(deadAddress + "  FAILED  connection refused")
          .anySatisfy(
              l -> assertThat(l).matches(address(live).replace(".", "\\.") + " +ok +.* ms"));
      assertThat(r.err()).contains("1 of 2 providers of " + CATALOG + " did not answer ok");
    }
  }

  @Test
  void pingOfAServiceWhoseProvidersAllLeftFailsSayingSo() {
    Result r = cli("ping", PRICING, "--registry", zk.connectString());

    assertThat(r.status()).as(r.toString()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .contains(PRICING + " has no providers under /farcall at " + zk.connectString());
  }

  @Test
  void pingOfAnUnknownServiceFailsNamingTheServicesThereAre() {
    Result r = cli("ping", "acme.NoSuchService", "--registry", zk.connectString());

    assertThat(r.status()).as(r.toString()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .contains("no service named 'acme.NoSuchService' is registered under /farcall")
        .contains("registered services: " + CATALOG + ", " + PRICING);
  }

  @Test
  void withNoRegistryAtTheAddressItSaysSoAndStartsNone() throws Exception {
    int nobody = CliProcesses.freePort();

    Result list = cli("list", "--registry", "127.0.0.1:" + nobody);
    Result ping = cli("ping", CATALOG, "--registry", "127.0.0.1:" + nobody);

    for (Result r : List.of(list, ping)) {
      assertThat(r.status()).as(r.toString()).isEqualTo(3);
      assertThat(r.out()).isEmpty();
      assertThat(r.err()).startsWith("farcall: no registry answered at 127.0.0.1:" + nobody);
      assertThat(r.err().lines()).hasSize(1);
      assertThat(r.took()).isLessThan(Duration.ofSeconds(10));
    }
    assertThat(CliProcesses.isFree(nobody)).as("nothing was started on the port").isTrue();
  }

  @Test
  void badUsageExitsWithStatus2NamingTheMistakeAndShowingUsage() {
    Result unknownCommand = cli("lsit");
    Result unknownOption = cli("list", "--registy", zk.connectString());
    Result missingService = cli("ping");

    for (Result r : List.of(unknownCommand, unknownOption, missingService)) {
      assertThat(r.status()).as(r.toString()).isEqualTo(2);
      assertThat(r.out()).isEmpty();
      assertThat(r.err()).contains("usage: java -jar rpc-agent.jar");
    }
    assertThat(unknownCommand.err()).startsWith("farcall: unknown command 'lsit'\n");
    assertThat(unknownOption.err()).startsWith("farcall: unknown option '--registy'\n");
    assertThat(missingService.err()).startsWith("farcall: ping needs the name of a service");
  }

  @Test
  void helpListsTheCommandsAndOptions() {
    Result r = cli("--help");

    assertThat(r.status()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("list", "ping SERVICE", "zookeeper")
        .contains("--registry", "--basepath", "--timeout", "--port", "--stdin", "--help");
    assertThat(r.err()).isEmpty();
  }
}
