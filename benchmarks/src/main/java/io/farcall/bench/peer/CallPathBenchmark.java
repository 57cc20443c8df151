package io.farcall.bench.peer;

import io.farcall.bench.model.Page;
import io.farcall.bench.model.User;
import io.farcall.bench.model.UserService;
import io.farcall.bench.model.Users;
import io.farcall.runtime.FarcallSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
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
 * A whole Farcall call over loopback, in one JVM (provider, consumer and ZooKeeper), under JMH: for
 * A/B comparisons of the call path where the load runner's rounds are too noisy. Run it with {@code
 * java -jar benchmarks.jar jmh CallPathBenchmark -prof gc}; JMH's forks and iterations give the
 * error bars.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(32)
public class CallPathBenchmark {
  /**
   * {@code off}: no metrics (the default); {@code prometheus}: consumer and provider keep their
   * meters in a Prometheus registry, for the cost of metrics ({@code -p metrics=off,prometheus}).
   */
  @Param({"off"})
  public String metrics;

  /**
   * {@code off}: plaintext (the default); {@code on}: TLS 1.3 through OpenSSL between consumer and
   * provider ({@code tls=on}), for the cost of TLS ({@code -p tls=off,on}).
   */
  @Param({"off"})
  public String tls;

  private FarcallSession session;
  private UserService users;
  private final User user = Users.user(1);

  @Setup(Level.Trial)
  public void start() throws Exception {
    UnaryOperator<FarcallSettings.Builder> secure =
        tls.equals("on") ? FarcallSession.tlsSettings(TlsFiles.create()) : b -> b;
    session =
        FarcallSession.start(
            1,
            false,
            // Tracing stays at its default: the OpenTelemetry API is on this module's class path
            // (for TracingCostBenchmark) and no SDK is set, as in many applications.
            b ->
                metrics.equals("prometheus")
                    ? secure
                        .apply(b)
                        .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                    : secure.apply(b));
    users = session.client();
  }

  @TearDown(Level.Trial)
  public void stop() {
    session.close();
  }

  @Benchmark
  public boolean existUser() {
    return users.existUser("user1@example.org");
  }

  @Benchmark
  public boolean createUser() {
    return users.createUser(user);
  }

  @Benchmark
  public User getUser() {
    return users.getUser(1);
  }

  @Benchmark
  public Page<User> listUser() {
    return users.listUser(1);
  }
}
