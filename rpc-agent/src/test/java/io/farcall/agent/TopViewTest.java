package io.farcall.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.farcall.agent.ProviderMetrics.Counts;
import io.farcall.agent.ProviderMetrics.Scrape;
import io.farcall.agent.TopView.Group;
import io.farcall.agent.TopView.Row;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The arithmetic and layout of {@code top}: rates, percentiles and the table. */
class TopViewTest {
  private static final double INF = Double.POSITIVE_INFINITY;
  private static final double[] BOUNDS = {0.001, 0.01, 0.1, INF};

  private static Counts counts(double calls, double errors, double active, double... cumulative) {
    return new Counts(calls, errors, active, BOUNDS, cumulative);
  }

  @Test
  void ratesAreTheIncreaseOverTheIntervalAndAResetCountsFromZero() {
    assertThat(TopView.rate(100, 300, 2)).isEqualTo("100.0");
    assertThat(TopView.rate(100, 100, 1)).isEqualTo("0.0");
    // The provider restarted at the same address: its counter began again.
    assertThat(TopView.rate(5000, 40, 2)).isEqualTo("20.0");
  }

  @Test
  void theQuantileIsInterpolatedWithinTheBucketOfTheCallsOfTheInterval() {
    // Before: 1000 calls, all under 1 ms. In the interval: 100 more, 90 under 1 ms, 10 in 1-10 ms.
    Counts before = counts(1000, 0, 0, 1000, 1000, 1000, 1000);
    Counts now = counts(1100, 0, 0, 1090, 1100, 1100, 1100);

    // Rank 99 of 100: the 9th of the 10 calls in (1 ms, 10 ms], so 1 + 9 * 0.9 ms.
    assertThat(TopView.quantile(0.99, before, now)).isCloseTo(0.0091, within(1e-9));
    assertThat(TopView.quantile(0.5, before, now)).isCloseTo(0.5 / 0.9 * 0.001, within(1e-9));
  }

  @Test
  void noCallsInTheIntervalHaveNoQuantileAndTheInfiniteBucketReportsItsFloor() {
    Counts idle = counts(10, 0, 0, 10, 10, 10, 10);
    assertThat(TopView.quantile(0.99, idle, idle)).isNaN();
    assertThat(TopView.duration(TopView.quantile(0.99, idle, idle))).isEqualTo("-");

    Counts before = counts(0, 0, 0, 0, 0, 0, 0);
    Counts slow = counts(10, 0, 0, 0, 0, 0, 10); // every call over the largest bound
    assertThat(TopView.quantile(0.99, before, slow)).isEqualTo(0.1);
  }

  @Test
  void aRestartedProviderIsMeasuredByItsNewCountsAlone() {
    Counts before = counts(5000, 0, 0, 5000, 5000, 5000, 5000);
    Counts restarted = counts(10, 0, 0, 0, 10, 10, 10);
    assertThat(TopView.quantile(0.99, before, restarted)).isBetween(0.001, 0.01);
  }

  @Test
  void durationsAreShownWithTheirUnitAndSensiblePrecision() {
    assertThat(TopView.duration(0.000421)).isEqualTo("0.42 ms");
    assertThat(TopView.duration(0.0125)).isEqualTo("12.5 ms");
    assertThat(TopView.duration(0.25)).isEqualTo("250 ms");
    assertThat(TopView.duration(1.2)).isEqualTo("1.20 s");
  }

  @Test
  void aRowIsTheFiguresBetweenTwoScrapesAndTheFirstScrapeHasOnlyCallsInFlight() {
    Scrape first = new Scrape(0, Map.of("acme.Shop", counts(100, 4, 2, 100, 100, 100, 100)));
    Scrape second =
        new Scrape(2_000_000_000L, Map.of("acme.Shop", counts(300, 10, 3, 298, 300, 300, 300)));

    Row row = TopView.row("acme.Shop", "127.0.0.1:7000", first, second);
    assertThat(row).isEqualTo(new Row("127.0.0.1:7000", "100.0", "3.0", row.p99(), "3", ""));
    assertThat(row.p99()).endsWith(" ms").isNotEqualTo("-");
    assertThat(TopView.row("acme.Shop", "127.0.0.1:7000", null, first))
        .isEqualTo(new Row("127.0.0.1:7000", "-", "-", "-", "2", ""));
    assertThat(TopView.row("acme.Other", "127.0.0.1:7000", first, second).note())
        .isEqualTo("its metrics have no calls of this service");
  }

  @Test
  void theTableAlignsItsColumnsAndPutsNotesAfterThem() {
    List<String> lines =
        TopView.table(
            List.of(
                new Group(
                    "acme.Shop",
                    List.of(
                        new Row("127.0.0.1:7000", "1234.5", "0.0", "0.42 ms", "3", ""),
                        Row.problem("127.0.0.1:17001", "unreachable: connection refused"))),
                new Group("acme.Empty", List.of())));

    assertThat(lines)
        .containsExactly(
            "SERVICE / PROVIDER  CALLS/S  ERRORS/S      P99  ACTIVE",
            "acme.Shop",
            "  127.0.0.1:7000     1234.5       0.0  0.42 ms       3",
            "  127.0.0.1:17001         -         -        -       -  unreachable: connection refused",
            "acme.Empty",
            "  (no providers)");
  }
}
