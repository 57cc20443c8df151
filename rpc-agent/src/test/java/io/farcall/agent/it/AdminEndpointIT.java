package io.farcall.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.tools.attach.VirtualMachine;
import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The admin endpoint of an application that has neither Micrometer nor Prometheus: the agent's own
 * (relocated) copies serve {@code /metrics}, which Prometheus's promtool parses, and the health
 * paths, started by {@code adminport} alone; and with {@code jmx=true}, the meters as MBeans that a
 * JMX client attached to the running JVM reads.
 */
class AdminEndpointIT {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();
  @TempDir Path dir;

  private static final Pattern LISTENING =
      Pattern.compile("admin endpoint listening on http://[^:]+:(\\d+)");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static List<String> javaHomes() {
    return Jvm.javaHomes();
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("javaHomes")
  void theAgentServesMetricsAndHealthOnTheAdminPort(String javaHome) throws Exception {
    Jvm provider = provider(javaHome, "adminport=0");
    String line = provider.awaitLine(l -> LISTENING.matcher(l).find(), Duration.ofSeconds(60));
    Matcher m = LISTENING.matcher(line);
    assertThat(m.find()).isTrue();
    String base = "http://127.0.0.1:" + m.group(1);

    Poll.untilTrue(
        "ready, with the export registered",
        () -> {
          HttpResponse<String> r = get(base + "/health/ready");
          return r != null
              && r.statusCode() == 200
              && r.body().contains("\"acme.shop.Inventory\":true");
        },
        Duration.ofSeconds(30));
    assertThat(get(base + "/health/live").statusCode()).isEqualTo(200);

    String scrape = get(base + "/metrics").body();
    assertThat(scrape)
        .contains(
            "farcall_server_calls_started_total{method=\"whoAmI()\",service=\"acme.shop.Inventory\"}")
        .contains("farcall_server_executor_threads")
        .contains("farcall_registry_connected 1.0")
        .doesNotContain("io_farcall_shaded");
    Path file = dir.resolve("scrape.txt");
    Files.writeString(file, scrape);
    Process promtool =
        new ProcessBuilder("promtool", "check", "metrics")
            .redirectInput(file.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
    // 1 is a parse error; 3 would be lint remarks only.
    assertThat(promtool.exitValue()).as("promtool check metrics:%n%s", out).isIn(0, 3);
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("javaHomes")
  void withJmxTheMetersAreMBeansAJmxClientReads(String javaHome) throws Exception {
    Jvm provider = provider(javaHome, "jmx=true");
    provider.awaitLine(l -> l.startsWith("READY"), Duration.ofSeconds(60));
    // As JConsole connects to a local JVM: through the attach API's local management agent.
    VirtualMachine vm = VirtualMachine.attach(Long.toString(provider.pid()));
    String address;
    try {
      address = vm.startLocalManagementAgent();
    } finally {
      vm.detach();
    }
    try (JMXConnector jmx = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
      MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
      ObjectName threads = new ObjectName("farcall:name=farcallServerExecutorThreads,type=gauges");
      Poll.untilTrue(
          "the executor's gauge is registered",
          () -> isRegistered(mbeans, threads),
          Duration.ofSeconds(30));
      assertThat(((Number) mbeans.getAttribute(threads, "Value")).intValue()).isPositive();
      assertThat(
              mbeans.queryNames(
                  new ObjectName(
                      "farcall:name=farcallServerCallsStarted.method.whoAmI().service.acme.shop.Inventory,*"),
                  null))
          .hasSize(1);
    }
  }

  private static boolean isRegistered(MBeanServerConnection mbeans, ObjectName name) {
    try {
      return mbeans.isRegistered(name);
    } catch (IOException e) {
      return false;
    }
  }

  /** ProviderApp with the agent, the test's registry and {@code options}. */
  private Jvm provider(String javaHome, String options) throws IOException {
    return Jvm.builder("provider")
        .javaHome(javaHome)
        .agentOptions("registry=" + zk.connectString() + "," + options)
        .classpath(Jvm.TEST_CLASSES, Jvm.ANNOTATIONS_JAR)
        .main("acme.shop.ProviderApp")
        .start(jvms);
  }

  private static HttpResponse<String> get(String url) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      return null;
    }
  }
}
