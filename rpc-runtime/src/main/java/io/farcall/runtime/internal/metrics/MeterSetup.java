package io.farcall.runtime.internal.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Where one runtime's meters go: the application's registry, a Prometheus registry for the admin
 * endpoint's {@code /metrics}, JMX, or several of them. Loaded only when there are metrics to keep,
 * so that without them Micrometer need not be on the class path.
 *
 * @param metrics what the runtime's layers report to
 * @param scrape the Prometheus exposition, given the scraper's Accept header; null when the admin
 *     endpoint has no Prometheus registry to read
 * @param close closes the registries this runtime made
 */
public record MeterSetup(
    RuntimeMetrics metrics, Function<String, Exposition> scrape, Runnable close) {
  private static final Logger log = LogManager.getLogger(MeterSetup.class);

  /**
   * @param application the application's registry, or null
   * @param admin whether the admin endpoint serves {@code /metrics}
   * @param jmx whether the meters are also MBeans
   * @throws IllegalStateException naming the option, if {@code jmx} is asked for without
   *     micrometer-registry-jmx on the class path
   */
  public static MeterSetup of(MeterRegistry application, boolean admin, boolean jmx) {
    List<MeterRegistry> targets = new ArrayList<>();
    List<MeterRegistry> owned = new ArrayList<>();
    if (application != null) {
      targets.add(application);
    }
    Function<String, Exposition> scrape = null;
    if (admin) {
      try {
        scrape = application == null ? null : PrometheusScrape.of(application);
        if (scrape == null) {
          MeterRegistry own = PrometheusScrape.newRegistry();
          owned.add(own);
          scrape = PrometheusScrape.of(own);
        }
      } catch (NoClassDefFoundError e) {
        log.warn(
            "option 'adminport': /metrics needs io.micrometer:micrometer-registry-prometheus on"
                + " the class path ({} not found); serving health only",
            e.getMessage());
      }
    }
    if (jmx) {
      try {
        owned.add(JmxMeters.newRegistry());
      } catch (NoClassDefFoundError e) {
        throw new IllegalStateException(
            "option 'jmx': needs io.micrometer:micrometer-registry-jmx on the class path ("
                + e.getMessage()
                + " not found)",
            e);
      }
    }
    targets.addAll(owned);
    Runnable close = () -> owned.forEach(MeterRegistry::close);
    if (targets.isEmpty()) {
      return new MeterSetup(RuntimeMetrics.NONE, null, close);
    }
    MeterRegistry into;
    if (targets.size() == 1) {
      into = targets.get(0);
    } else {
      CompositeMeterRegistry all = new CompositeMeterRegistry();
      targets.forEach(all::add);
      into = all;
    }
    return new MeterSetup(new MicrometerMetrics(into), scrape, close);
  }
}
