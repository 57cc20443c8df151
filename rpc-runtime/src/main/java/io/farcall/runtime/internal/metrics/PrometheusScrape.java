package io.farcall.runtime.internal.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Function;

/** The Prometheus side of {@link MeterSetup}: loaded only for the admin endpoint. */
final class PrometheusScrape {
  private PrometheusScrape() {}

  static MeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /**
   * How to scrape {@code registry}, given the scraper's Accept header (or null), in the format it
   * asks for (Prometheus text unless it asks for OpenMetrics or protobuf, as the Prometheus client
   * library negotiates it); null if it is not (and holds no) Prometheus registry.
   */
  static Function<String, Exposition> of(MeterRegistry registry) {
    PrometheusMeterRegistry p = find(registry);
    if (p == null) {
      return null;
    }
    ExpositionFormats formats = ExpositionFormats.init();
    return accept -> {
      ExpositionFormatWriter writer = formats.findWriter(accept);
      ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
      try {
        p.scrape(out, writer.getContentType());
      } catch (IOException e) {
        throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
      }
      return new Exposition(writer.getContentType(), out.toByteArray());
    };
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
