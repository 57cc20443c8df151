package io.farcall.runtime.internal.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RetryBudgetTest {
  @Test
  void retriesStayWithinTheRatioOfCallsPlusTheMinimumPerSecond() {
    RetryBudget budget = new RetryBudget(0.1, 10);
    int retries = 0;
    // A sick cluster: every one of 10,000 calls wants a retry, within well under a second.
    for (int i = 0; i < 10_000; i++) {
      budget.onCall();
      if (budget.tryRetry()) {
        retries++;
      }
    }
    assertThat(retries).isBetween(1_000, 1_000 + 10);
  }

  @Test
  void aQuietClientMayStillRetryAFewTimesPerSecond() {
    RetryBudget budget = new RetryBudget(0.1, 10);
    int allowed = 0;
    for (int i = 0; i < 50; i++) {
      if (budget.tryRetry()) {
        allowed++;
      }
    }
    assertThat(allowed).isEqualTo(10);
  }
}
