package io.farcall.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the agent and {@code accesslog=true}, an application that has Log4j 2 gets the access lines
 * in its own Log4j, where its configuration (here an {@code AsyncLogger} for {@code farcall.access}
 * writing to a file) sends them; one whose configuration leaves the logger off is told so.
 */
class ApplicationAccessLogIT {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();
  @TempDir Path dir;

  private static final Path LOGGING_LIBS = Path.of(System.getProperty("farcall.loggingLibs"));
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String CALL = " acme\\.otel\\.Stock check\\(java\\.lang\\.String\\) peer=";

  @Test
  void theAccessLinesGoToTheApplicationsAsyncLoggerOnBothSides() throws Exception {
    Path providerLog = dir.resolve("provider-access.log");
    Path consumerLog = dir.resolve("consumer-access.log");
    Jvm provider =
        withLog4j(Jvm.builder("provider"), providerLog)
            .main("acme.otel.WarehouseProvider")
            .start(jvms);
    provider.awaitLine(l -> l.equals("READY"), WAIT);
    Jvm consumer =
        withLog4j(Jvm.builder("consumer"), consumerLog).main("acme.otel.Storefront").start(jvms);

    assertThat(consumer.awaitExit(WAIT)).as(consumer.output()).isZero();
    assertThat(consumer.lines()).contains("broken=the shelf fell over", "DONE");
    // The consumer's async logger was drained as its JVM exited: no line lost.
    assertThat(Files.readAllLines(consumerLog))
        .as("the consumer's access log file")
        .anyMatch(l -> l.matches("client" + CALL + "127\\.0\\.0\\.1:\\d+ status=OK .*"))
        .anyMatch(
            l ->
                l.matches(
                    "client acme\\.otel\\.Stock broken\\(\\) .* status=APPLICATION_ERROR .*"));
    List<String> served =
        Poll.until(
            () -> lines(providerLog),
            l -> l.stream().anyMatch(x -> x.contains("broken()")),
            Duration.ofSeconds(30));
    assertThat(served)
        .as("the provider's access log file")
        .anyMatch(l -> l.matches("server" + CALL + "127\\.0\\.0\\.1:\\d+ status=OK .*"));
    assertThat(consumer.output())
        .contains("access log: to the application's Log4j logger farcall.access")
        .as("no access line on standard error: they went to the application's file")
        .doesNotContain("client acme.otel.Stock");
  }

  @Test
  void anApplicationWhoseConfigurationLeavesTheLoggerOffIsToldSo() throws Exception {
    Jvm.builder("provider")
        .agentOptions("registry=" + zk.connectString())
        .appClasspath()
        .main("acme.otel.WarehouseProvider")
        .start(jvms)
        .awaitLine(l -> l.equals("READY"), WAIT);
    // Log4j with no configuration file: its default shows errors only.
    Jvm consumer =
        Jvm.builder("consumer")
            .agentOptions("registry=" + zk.connectString() + ",accesslog=true")
            .appClasspath()
            .classpath(loggingLibs())
            .main("acme.otel.Storefront")
            .start(jvms);

    assertThat(consumer.awaitExit(WAIT)).as(consumer.output()).isZero();
    assertThat(consumer.output())
        .contains(
            "access log: to the application's Log4j logger farcall.access, which its"
                + " configuration does not enable at INFO");
  }

  /** An application with Log4j 2 and the disruptor, configured to log access lines to a file. */
  private Jvm.Builder withLog4j(Jvm.Builder b, Path accessLog) throws IOException {
    Path config = dir.resolve(accessLog.getFileName() + ".xml");
    Files.writeString(
        config,
        """
        <Configuration status="warn">
          <Appenders>
            <File name="access" fileName="%s">
              <PatternLayout pattern="%%m%%n"/>
            </File>
          </Appenders>
          <Loggers>
            <AsyncLogger name="farcall.access" level="info" additivity="false">
              <AppenderRef ref="access"/>
            </AsyncLogger>
            <Root level="error"/>
          </Loggers>
        </Configuration>
        """
            .formatted(accessLog));
    return b.agentOptions("registry=" + zk.connectString() + ",accesslog=true")
        .appClasspath()
        .classpath(loggingLibs())
        .jvmArg("-Dlog4j2.configurationFile=" + config);
  }

  private static Path[] loggingLibs() throws IOException {
    try (Stream<Path> jars = Files.list(LOGGING_LIBS)) {
      return jars.filter(p -> p.toString().endsWith(".jar")).toArray(Path[]::new);
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : new ArrayList<>();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
