package io.farcall.runtime.internal.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Where one runtime's meters go: the application's registry, a Prometheus registry for the admin
 * endpoint's {@code /metrics}, or both. Loaded only when there are metrics to keep, so that without
 * them Micrometer need not be on the class path.
 *
 * @param metrics what the runtime's layers report to
 * @param scrape the Prometheus exposition text, given the scraper's Accept header; null when the
 *     admin endpoint has no Prometheus registry to read
 * @param close closes the registry this runtime made, if it made one
 */
public record MeterSetup(RuntimeMetrics metrics, Function<String, String> scrape, Runnable close) {
  private static final Runnable NOTHING = () -> {};

  private static final Logger log = LogManager.getLogger(MeterSetup.class);

  /**
   * @param application the application's registry, or null
   * @param admin whether the admin endpoint serves {@code /metrics}
   */
  public static MeterSetup of(MeterRegistry application, boolean admin) {
    if (!admin) {
      return new MeterSetup(new MicrometerMetrics(application), null, NOTHING);
    }
    Function<String, String> scrape;
    try {
      scrape = application == null ? null : PrometheusScrape.of(application);
      if (scrape != null) {
        return new MeterSetup(new MicrometerMetrics(application), scrape, NOTHING);
      }
      MeterRegistry own = PrometheusScrape.newRegistry();
      scrape = PrometheusScrape.of(own);
      if (application == null) {
        return new MeterSetup(new MicrometerMetrics(own), scrape, own::close);
      }
      // The application's registry publishes elsewhere: the meters go there and to /metrics.
      CompositeMeterRegistry both = new CompositeMeterRegistry();
      both.add(application);
      both.add(own);
      return new MeterSetup(new MicrometerMetrics(both), scrape, own::close);
    } catch (NoClassDefFoundError e) {
      log.warn(
          "option 'adminport': /metrics needs io.micrometer:micrometer-registry-prometheus on the"
              + " class path ({} not found); serving health only",
          e.getMessage());
      return new MeterSetup(
          application == null ? RuntimeMetrics.NONE : new MicrometerMetrics(application),
          null,
          NOTHING);
    }
  }
}
