package io.farcall.agent;

import io.prometheus.metrics.expositionformats.generated.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Reads a provider's server-side call metrics from its admin endpoint's {@code /metrics}, in the
 * Prometheus protobuf format, parsed by the Prometheus client library's own generated classes.
 */
final class ProviderMetrics {
  static final String PROTOBUF =
      "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily;"
          + " encoding=delimited";

  private static final String CALLS = "farcall_server_calls";
  private static final String DURATION = "farcall_server_duration_seconds";
  private static final String ACTIVE = "farcall_server_calls_active";

  /**
   * One service's server metrics on one provider, counted since the provider started.
   *
   * @param calls calls ended, whatever their outcome
   * @param errors calls that did not end {@code ok}: application exceptions and Farcall's errors
   * @param active calls in flight now
   * @param bounds the upper bounds of the duration buckets in seconds, ascending, the last one
   *     {@code +Inf}
   * @param cumulative the calls at most as long as each bound, summed over the service's methods
   */
  record Counts(double calls, double errors, double active, double[] bounds, double[] cumulative) {}

  /**
   * What one scrape found: each service's counts, and when it was read ({@link System#nanoTime}).
   */
  record Scrape(long nanos, Map<String, Counts> services) {}

  /** The admin endpoint answered, but not with metrics this command can read. */
  static final class UnreadableException extends IOException {
    private static final long serialVersionUID = 1L;

    UnreadableException(String message) {
      super(message);
    }
  }

  private final HttpClient http;

  ProviderMetrics(Duration connectTimeout) {
    this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
  }

  /** Scrapes {@code host:port/metrics}, giving up after {@code timeout}. */
  CompletableFuture<Scrape> scrape(String host, int port, Duration timeout) {
    String authority = host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + authority + "/metrics"))
            .header("Accept", PROTOBUF)
            .timeout(timeout)
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
        .thenApply(
            res -> {
              try (InputStream in = res.body()) {
                if (res.statusCode() != 200) {
                  throw new UnreadableException("/metrics answered HTTP " + res.statusCode());
                }
                String type = res.headers().firstValue("content-type").orElse("");
                if (!type.startsWith("application/vnd.google.protobuf")) {
                  throw new UnreadableException(
                      "/metrics does not serve the Prometheus protobuf format");
                }
                return parse(in, System.nanoTime());
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
  }

  /** Farcall's server metrics, by service, in a stream of length-delimited metric families. */
  static Scrape parse(InputStream in, long nanos) throws IOException {
    Map<String, double[]> totals = new HashMap<>(); // service -> {calls, errors, active}
    Map<String, TreeMap<Double, Double>> buckets = new HashMap<>();
    Metrics.MetricFamily family;
    while ((family = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
      String name = family.getName();
      // The counter's family is named with or without _total, depending on the writer's version.
      if (name.equals(CALLS) || name.equals(CALLS + "_total")) {
        for (Metrics.Metric m : family.getMetricList()) {
          double[] t = totals.computeIfAbsent(label(m, "service"), k -> new double[3]);
          double n = m.getCounter().getValue();
          t[0] += n;
          if (!label(m, "status").equals("ok")) {
            t[1] += n;
          }
        }
      } else if (name.equals(ACTIVE)) {
        for (Metrics.Metric m : family.getMetricList()) {
          totals.computeIfAbsent(label(m, "service"), k -> new double[3])[2] +=
              m.getGauge().getValue();
        }
      } else if (name.equals(DURATION)) {
        for (Metrics.Metric m : family.getMetricList()) {
          TreeMap<Double, Double> b =
              buckets.computeIfAbsent(label(m, "service"), k -> new TreeMap<>());
          Metrics.Histogram h = m.getHistogram();
          for (Metrics.Bucket bucket : h.getBucketList()) {
            b.merge(bucket.getUpperBound(), (double) bucket.getCumulativeCount(), Double::sum);
          }
          // Every call is at most +Inf long, whether or not the writer sends that bucket.
          if (h.getBucketCount() == 0
              || h.getBucket(h.getBucketCount() - 1).getUpperBound() != Double.POSITIVE_INFINITY) {
            b.merge(Double.POSITIVE_INFINITY, (double) h.getSampleCount(), Double::sum);
          }
        }
      }
    }
    Map<String, Counts> services = new HashMap<>();
    totals.forEach(
        (service, t) -> {
          TreeMap<Double, Double> b = buckets.getOrDefault(service, new TreeMap<>());
          double[] bounds = new double[b.size()];
          double[] cumulative = new double[b.size()];
          int i = 0;
          for (Map.Entry<Double, Double> e : b.entrySet()) {
            bounds[i] = e.getKey();
            cumulative[i++] = e.getValue();
          }
          services.put(service, new Counts(t[0], t[1], t[2], bounds, cumulative));
        });
    return new Scrape(nanos, services);
  }

  private static String label(Metrics.Metric m, String name) {
    for (Metrics.LabelPair l : m.getLabelList()) {
      if (l.getName().equals(name)) {
        return l.getValue();
      }
    }
    return "";
  }
}
