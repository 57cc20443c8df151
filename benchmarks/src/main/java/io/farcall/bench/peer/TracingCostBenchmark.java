package io.farcall.bench.peer;

import io.farcall.bench.model.User;
import io.farcall.bench.model.UserService;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * What tracing adds to one call's latency, one caller at a time, over loopback in one JVM: JMH
 * samples each call's time, so its percentiles (p50 first) compare {@code tracing=off} ({@code
 * tracing(false)}), {@code noop} (the OpenTelemetry API on the class path and no OpenTelemetry set,
 * the default) and {@code sdk} (consumer and provider with an OpenTelemetry SDK that samples every
 * call, its spans batched to an exporter that drops them). Run it with {@code java -jar
 * benchmarks.jar jmh TracingCostBenchmark -p tracing=off,noop,sdk}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
public class TracingCostBenchmark {
  @Param({"off", "noop", "sdk"})
  public String tracing;

  private FarcallSession session;
  private OpenTelemetrySdk sdk;
  private UserService users;

  @Setup(Level.Trial)
  public void start() throws Exception {
    if (tracing.equals("sdk")) {
      sdk =
          OpenTelemetrySdk.builder()
              .setTracerProvider(
                  SdkTracerProvider.builder()
                      .setSampler(Sampler.alwaysOn())
                      .addSpanProcessor(BatchSpanProcessor.builder(new Dropping()).build())
                      .build())
              .build();
    }
    session =
        FarcallSession.start(
            1,
            false,
            b ->
                switch (tracing) {
                  case "off" -> b.tracing(false);
                  case "noop" -> b;
                  case "sdk" -> b.openTelemetry(sdk);
                  default -> throw new IllegalArgumentException("tracing=" + tracing);
                });
    users = session.client();
  }

  @TearDown(Level.Trial)
  public void stop() {
    session.close();
    if (sdk != null) {
      sdk.close();
    }
  }

  @Benchmark
  public User getUser() {
    return users.getUser(1);
  }

  /** Takes every span and keeps none. */
  private static final class Dropping implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
