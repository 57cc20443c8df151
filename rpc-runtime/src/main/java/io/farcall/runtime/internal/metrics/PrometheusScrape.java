package io.farcall.runtime.internal.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Function;

/** The Prometheus side of {@link MeterSetup}: loaded only for the admin endpoint. */
final class PrometheusScrape {
  private PrometheusScrape() {}

  static MeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** How to scrape {@code registry}, or null if it is not (and holds no) Prometheus registry. */
  static Function<String, String> of(MeterRegistry registry) {
    PrometheusMeterRegistry p = find(registry);
    if (p == null) {
      return null;
    }
    return accept -> p.scrape(accept == null ? "text/plain; version=0.0.4" : accept);
  }

  private static PrometheusMeterRegistry find(MeterRegistry registry) {
    if (registry instanceof PrometheusMeterRegistry p) {
      return p;
    }
    if (registry instanceof CompositeMeterRegistry c) {
      for (MeterRegistry r : c.getRegistries()) {
        PrometheusMeterRegistry p = find(r);
        if (p != null) {
          return p;
        }
      }
    }
    return null;
  }
}
