package io.farcall.runtime.internal.metrics;

import io.farcall.CallStatus;
import io.farcall.ConnectionFailedException;
import io.farcall.DeadlineExceededException;
import io.farcall.InvalidCallException;
import io.farcall.NoProviderException;
import io.farcall.PermissionDeniedException;
import io.farcall.ProviderUnavailableException;
import io.farcall.RpcException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Farcall's meters in a Micrometer registry. Every meter of a method exists from the moment its
 * stub or export does: a counter per outcome Farcall can report and per exception the method
 * declares (others are added when first seen), its duration histogram, sizes and calls in flight.
 * The meters and their tags are listed in the README ("Metrics").
 */
final class MicrometerMetrics implements RuntimeMetrics {
  /** Upper bounds of the duration histograms' buckets: 50 µs to 30 s. */
  private static final Duration[] DURATION_BUCKETS = {
    Duration.ofNanos(50_000),
    Duration.ofNanos(100_000),
    Duration.ofNanos(250_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(2),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30)
  };

  /** The exception tag of a call that ended without one. */
  static final String NO_EXCEPTION = "none";

  private final MeterRegistry registry;
  private final Map<String, ProviderMeters> providers = new ConcurrentHashMap<>();
  private final Counter sessionChanges;
  private final Counter[] refusals = new Counter[CallStatus.values().length];

  MicrometerMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (CallStatus s : REFUSALS) {
      refusal(s);
    }
    this.sessionChanges =
        Counter.builder("farcall.registry.session.changes")
            .description("ZooKeeper sessions this runtime started: the first, and one per expiry")
            .register(registry);
  }

  @Override
  public CallMetrics client(String service, String method, Class<?>[] declaredExceptions) {
    return new MethodMeters("client", service, method, declaredExceptions);
  }

  @Override
  public CallMetrics server(String service, String method, Class<?>[] declaredExceptions) {
    return new MethodMeters("server", service, method, declaredExceptions);
  }

  @Override
  public void executor(IntSupplier busy, IntSupplier queued, int threads) {
    Gauge.builder("farcall.server.executor.busy", busy, IntSupplier::getAsInt)
        .description("Provider executor threads running application code")
        .register(registry);
    Gauge.builder("farcall.server.executor.queued", queued, IntSupplier::getAsInt)
        .description("Calls admitted and waiting for a provider executor thread")
        .register(registry);
    Gauge.builder("farcall.server.executor.threads", () -> threads)
        .description("Provider executor threads at most")
        .register(registry);
  }

  /** The statuses a provider refuses a request with before it starts. */
  private static final CallStatus[] REFUSALS = {
    CallStatus.OVERLOADED,
    CallStatus.SHUTTING_DOWN,
    CallStatus.DEADLINE_EXCEEDED,
    CallStatus.INVALID_CALL,
    CallStatus.PERMISSION_DENIED
  };

  @Override
  public void providerRefused(CallStatus status) {
    Counter c = refusals[status.ordinal()];
    if (c == null) {
      c = refusal(status); // a status no refusal has yet: registered once
    }
    c.increment();
  }

  private Counter refusal(CallStatus status) {
    Counter c =
        Counter.builder("farcall.server.refusals")
            .description("Requests a provider refused before running them, by reason")
            .tag("reason", tagOf(status))
            .register(registry);
    refusals[status.ordinal()] = c;
    return c;
  }

  static String tagOf(CallStatus status) {
    return status.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public void ejected(String provider) {
    provider(provider).ejections.increment();
  }

  @Override
  public void readmitted(String provider) {
    provider(provider).readmissions.increment();
  }

  @Override
  public void connections(String provider, int delta) {
    provider(provider).connections.addAndGet(delta);
  }

  private ProviderMeters provider(String provider) {
    return providers.computeIfAbsent(provider, ProviderMeters::new);
  }

  @Override
  public void registry(BooleanSupplier connected) {
    Gauge.builder("farcall.registry.connected", connected, c -> c.getAsBoolean() ? 1 : 0)
        .description("1 while connected to ZooKeeper, else 0")
        .register(registry);
  }

  @Override
  public void sessionChanged() {
    sessionChanges.increment();
  }

  @Override
  public void directory(String service, IntSupplier providerCount, LongSupplier lastUpdateMillis) {
    Gauge.builder("farcall.registry.providers", providerCount, IntSupplier::getAsInt)
        .description("Providers of the service this runtime knows of")
        .tag("service", service)
        .register(registry);
    Gauge.builder(
            "farcall.registry.update.age",
            lastUpdateMillis,
            last -> {
              long t = last.getAsLong();
              return t == 0 ? Double.NaN : (System.currentTimeMillis() - t) / 1000.0;
            })
        .description("Seconds since ZooKeeper last told this runtime of the service's providers")
        .baseUnit("seconds")
        .tag("service", service)
        .register(registry);
  }

  /** One provider's meters, on a consumer. */
  private final class ProviderMeters {
    final AtomicInteger connections = new AtomicInteger();
    final Counter ejections;
    final Counter readmissions;

    ProviderMeters(String provider) {
      Gauge.builder("farcall.client.connections", connections, AtomicInteger::get)
          .description("Open connections to the provider")
          .tag("provider", provider)
          .register(registry);
      ejections =
          Counter.builder("farcall.client.ejections")
              .description("Times the provider was taken out of rotation for failing")
              .tag("provider", provider)
              .register(registry);
      readmissions =
          Counter.builder("farcall.client.readmissions")
              .description("Times the provider was put back in rotation")
              .tag("provider", provider)
              .register(registry);
    }
  }

  /** The meters of one method on one side. */
  private final class MethodMeters implements CallMetrics {
    private final String side;
    private final Tags tags;
    private final Counter started;
    private final Counter[] byStatus = new Counter[CallStatus.values().length];
    private final Map<Class<?>, Counter> byException = new ConcurrentHashMap<>();
    private final Timer duration;
    private final DistributionSummary requestSize;
    private final DistributionSummary replySize;

    /** Calls refused before they started: counted in the outcomes, never started. */
    private final LongAdder refusedCount = new LongAdder();

    private final Counter retries;
    private final Counter retriesDenied;

    MethodMeters(String side, String service, String method, Class<?>[] declaredExceptions) {
      this.side = side;
      this.tags = Tags.of("service", service, "method", method);
      String prefix = "farcall." + side + ".";
      started =
          Counter.builder(prefix + "calls.started")
              .description("Calls started")
              .tags(tags)
              .register(registry);
      for (CallStatus s : CallStatus.values()) {
        if (s != CallStatus.APPLICATION_ERROR) {
          byStatus[s.ordinal()] = outcome(s, exceptionOf(s));
        }
      }
      for (Class<?> e : declaredExceptions) {
        byException.put(e, outcome(CallStatus.APPLICATION_ERROR, e.getName()));
      }
      duration =
          Timer.builder(prefix + "duration")
              .description("Call durations, whatever their outcome")
              .tags(tags)
              .serviceLevelObjectives(DURATION_BUCKETS)
              .register(registry);
      requestSize = size(prefix + "request.size", "Request body sizes");
      replySize = size(prefix + "reply.size", "Reply body sizes");
      // Calls started and not ended: worked out when read, so that calls update no third meter.
      Gauge.builder(prefix + "calls.active", this, MethodMeters::active)
          .description("Calls in flight")
          .tags(tags)
          .register(registry);
      if (side.equals("client")) {
        retries =
            Counter.builder("farcall.client.retries")
                .description("Calls tried again on another provider")
                .tags(tags)
                .register(registry);
        retriesDenied =
            Counter.builder("farcall.client.retries.denied")
                .description(
                    "Calls that could have been tried again, but the retry budget was spent")
                .tags(tags)
                .register(registry);
      } else {
        retries = null;
        retriesDenied = null;
      }
    }

    private DistributionSummary size(String name, String description) {
      return DistributionSummary.builder(name)
          .description(description)
          .baseUnit("bytes")
          .tags(tags)
          .register(registry);
    }

    private Counter outcome(CallStatus status, String exception) {
      return Counter.builder("farcall." + side + ".calls")
          .description("Calls ended, by status and exception type")
          .tags(tags)
          .tag("status", tagOf(status))
          .tag("exception", exception)
          .register(registry);
    }

    private double active() {
      double ended = -refusedCount.sum();
      for (Counter c : byStatus) {
        if (c != null) {
          ended += c.count();
        }
      }
      for (Counter c : byException.values()) {
        ended += c.count();
      }
      // Read one after the other while calls go on: a call may show as ended and not started.
      return Math.max(0, started.count() - ended);
    }

    @Override
    public void started() {
      started.increment();
    }

    @Override
    public void requestSize(long bytes) {
      requestSize.record(bytes);
    }

    @Override
    public void replySize(long bytes) {
      replySize.record(bytes);
    }

    @Override
    public void ended(CallStatus status, Throwable error, long nanos) {
      count(status, error);
      duration.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void refused(CallStatus status) {
      refusedCount.increment();
      count(status, null);
    }

    private void count(CallStatus status, Throwable error) {
      if (status != CallStatus.APPLICATION_ERROR) {
        byStatus[status.ordinal()].increment();
        return;
      }
      Class<?> type = error == null ? Throwable.class : error.getClass();
      Counter c = byException.get(type);
      if (c == null) {
        c =
            byException.computeIfAbsent(
                type, t -> outcome(CallStatus.APPLICATION_ERROR, t.getName()));
      }
      c.increment();
    }

    @Override
    public void retried() {
      retries.increment();
    }

    @Override
    public void retryDenied() {
      retriesDenied.increment();
    }
  }

  /** The exception a caller gets for a status of Farcall's own: its tag. */
  static String exceptionOf(CallStatus status) {
    Class<?> type =
        switch (status) {
          case OK -> null;
          case DEADLINE_EXCEEDED -> DeadlineExceededException.class;
          case OVERLOADED, SHUTTING_DOWN -> ProviderUnavailableException.class;
          case INVALID_CALL -> InvalidCallException.class;
          case NO_PROVIDER -> NoProviderException.class;
          case CONNECTION_FAILED -> ConnectionFailedException.class;
          case PERMISSION_DENIED -> PermissionDeniedException.class;
          case APPLICATION_ERROR, CANCELLED, INTERNAL -> RpcException.class;
        };
    return type == null ? NO_EXCEPTION : type.getName();
  }
}
