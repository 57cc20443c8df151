package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.farcall.runtime.testing.LogCapture;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.Traced.Probe;
import io.farcall.runtime.testing.Traced.ProbeImpl;
import io.farcall.runtime.testing.ZooKeeperExtension;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.time.Duration;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The access log between real runtimes over loopback with a real ZooKeeper, through the test
 * configuration's {@code AsyncLogger} for {@code farcall.access}, as the README configures it.
 */
class AccessLogTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String LOGGER = "farcall.access";

  private static Farcall runtime(boolean accessLog) {
    return Farcall.builder().registry(zk.connectString()).accessLog(accessLog).build();
  }

  private static void ready(Probe probe) {
    Poll.untilAProviderAnswers(() -> probe.metadata("warm-up"), WAIT);
  }

  private static List<String> lines(LogCapture log, String containing, int count) {
    return Poll.until(
        () -> log.messages(Level.INFO).stream().filter(l -> l.contains(containing)).toList(),
        l -> l.size() >= count,
        WAIT);
  }

  @Test
  void everyCallIsOneLineOnEachSideWrittenOffTheCallingThread() {
    try (LogCapture log = LogCapture.of(LOGGER);
        Farcall provider = runtime(true);
        Farcall consumer = runtime(true)) {
      provider.export(new ProbeImpl());
      Probe probe = consumer.stub(Probe.class);
      ready(probe);

      probe.metadata("k");
      assertThatThrownBy(() -> probe.fail("no")).isInstanceOf(IllegalStateException.class);

      String service = Probe.class.getName();
      String port = ":" + provider.localAddress().getPort();
      List<String> ok = lines(log, "metadata(java.lang.String)", 4); // warm-up and "k", each side
      assertThat(ok)
          .anyMatch(
              l ->
                  l.matches(
                      "client "
                          + service.replace(".", "\\.").replace("$", "\\$")
                          + " metadata\\(java\\.lang\\.String\\) peer=127\\.0\\.0\\.1"
                          + port
                          + " status=OK duration_us=\\d+ trace_id=-"))
          .anyMatch(
              l -> l.matches("server .* peer=127\\.0\\.0\\.1:\\d+ status=OK duration_us=\\d+ .*"));
      assertThat(lines(log, "fail(java.lang.String)", 2))
          .allMatch(l -> l.contains(" status=APPLICATION_ERROR "));
      assertThat(log.appendingThreads())
          .as("the threads the lines were written on: Log4j's own, not the callers'")
          .allMatch(t -> t.startsWith("Log4j2-"));
    }
  }

  @Test
  void theTraceIdIsTheCallsTraceparents() {
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().build()).build();
    try (LogCapture log = LogCapture.of(LOGGER);
        sdk;
        Farcall provider = runtime(true);
        Farcall consumer =
            Farcall.builder()
                .registry(zk.connectString())
                .openTelemetry(sdk)
                .accessLog(true)
                .build()) {
      provider.export(new ProbeImpl());
      Probe probe = consumer.stub(Probe.class);
      ready(probe);

      String traceparent = probe.metadata("traceparent");

      String traceId = traceparent.substring(3, 35);
      assertThat(lines(log, "trace_id=" + traceId, 2))
          .as("the consumer's line and the provider's")
          .hasSize(2);
    }
  }

  @Test
  void offByDefault() {
    try (LogCapture log = LogCapture.of(LOGGER);
        Farcall provider = Farcall.builder().registry(zk.connectString()).build();
        Farcall consumer = runtime(true)) {
      provider.export(new ProbeImpl());
      Probe probe = consumer.stub(Probe.class);
      ready(probe);
      probe.metadata("k");
      probe.metadata("k");

      // The provider ends its side of a call once the reply is queued: for the first two calls at
      // the latest by the time the consumer logged its third line.
      lines(log, "client ", 3);
      assertThat(log.messages(Level.INFO)).noneMatch(l -> l.startsWith("server "));
    }
  }
}
