package io.farcall.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Interceptors and call metadata through the agent, for an application compiled against
 * rpc-annotations alone: a client interceptor named by the {@code interceptors} option, one found
 * by {@link java.util.ServiceLoader} on the consumer, a server interceptor found by it on the
 * provider, and provider code reading the metadata through {@code CurrentCall}.
 */
class InterceptorsIT {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();
  @TempDir Path services;

  static List<String> javaHomes() {
    return Jvm.javaHomes();
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("javaHomes")
  void interceptorsFromTheOptionAndServiceLoaderSeeEveryCallOnBothSides(String javaHome)
      throws Exception {
    Path providerServices =
        servicesDir("provider", "io.farcall.ServerInterceptor", "acme.traced.Audit");
    Path consumerServices =
        servicesDir("consumer", "io.farcall.ClientInterceptor", "acme.traced.Timing");
    String registry = "registry=" + zk.connectString();
    Jvm provider =
        Jvm.builder("provider")
            .javaHome(javaHome)
            .agentOptions(registry)
            .classpath(Jvm.TEST_CLASSES, Jvm.ANNOTATIONS_JAR, providerServices)
            .main("acme.traced.LedgerProvider")
            .start(jvms);
    provider.awaitLine(l -> l.equals("READY"), Duration.ofSeconds(60));

    Jvm consumer =
        Jvm.builder("consumer")
            .javaHome(javaHome)
            .agentOptions(registry + ",interceptors=acme.traced.CallerTag")
            .jvmArg("-Dapp.name=checkout")
            .classpath(Jvm.TEST_CLASSES, Jvm.ANNOTATIONS_JAR, consumerServices)
            .main("acme.traced.LedgerConsumer")
            .start(jvms);

    assertThat(consumer.awaitExit(Duration.ofSeconds(60))).as(consumer.output()).isZero();
    assertThat(consumer.lines())
        .as("what the provider read through CurrentCall")
        .contains("sync=checkout/acme", "async=checkout/acme", "DONE");
    assertThat(consumer.lines())
        .as("the ServiceLoader's client interceptor")
        .contains("TIMED whoCalls() OK true", "TIMED whoCallsLater() OK true");
    provider.awaitLine(
        l -> l.equals("AUDIT acme.traced.Ledger.whoCallsLater() OK caller=checkout"),
        Duration.ofSeconds(10));
    assertThat(provider.lines())
        .as("the ServiceLoader's server interceptor")
        .contains("AUDIT acme.traced.Ledger.whoCalls() OK caller=checkout");
  }

  /** A class path entry holding only {@code META-INF/services/<service>} naming {@code impl}. */
  private Path servicesDir(String name, String service, String impl) throws IOException {
    Path dir = services.resolve(name);
    Path file = dir.resolve("META-INF/services/" + service);
    Files.createDirectories(file.getParent());
    Files.writeString(file, impl + "\n");
    return dir;
  }
}
