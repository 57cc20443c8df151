package io.farcall.runtime.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollTest {
  @Test
  void returnsTheFirstValueThatIsDoneWithoutReadingAgain() {
    AtomicInteger reads = new AtomicInteger();
    int value = Poll.until(reads::incrementAndGet, n -> n == 3, Duration.ofSeconds(10));
    assertThat(value).isEqualTo(3);
    assertThat(reads.get()).isEqualTo(3);
  }

  @Test
  void returnsTheLastValueReadOnceTheDeadlineHasPassed() {
    AtomicInteger reads = new AtomicInteger();
    long start = System.nanoTime();
    int value = Poll.until(reads::incrementAndGet, n -> false, Duration.ofMillis(100));
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(100));
    assertThat(value).isEqualTo(reads.get()).isGreaterThan(1);
  }

  @Test
  void untilOrFailNamesWhatItAwaitedAndWhatItLastRead() {
    assertThatThrownBy(
            () -> Poll.untilOrFail("the answer", () -> 41, n -> n == 42, Duration.ofMillis(50)))
        .isInstanceOf(AssertionError.class)
        .hasMessage("the answer: not within 50 ms; last read: 41")
        .hasNoCause();
    assertThat(Poll.untilOrFail("the answer", () -> 42, n -> n == 42, Duration.ofMillis(50)))
        .isEqualTo(42);
  }

  @Test
  void aThrowableLastReadIsTheFailuresCause() {
    IllegalStateException refused = new IllegalStateException("refused");
    assertThatThrownBy(
            () ->
                Poll.untilOrFail("a call served", () -> refused, e -> false, Duration.ofSeconds(0)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("a call served: not within 0 s; last read: ")
        .hasCause(refused);
  }

  @Test
  void untilTrueFailsNamingTheCondition() {
    assertThatThrownBy(() -> Poll.untilTrue("never", () -> false, Duration.ofSeconds(1)))
        .isInstanceOf(AssertionError.class)
        .hasMessage("never: not within 1 s");
    Poll.untilTrue("at once", () -> true, Duration.ZERO);
  }

  @Test
  void whatAReadThrowsEndsTheWait() {
    IllegalStateException broken = new IllegalStateException("broken");
    assertThatThrownBy(
            () ->
                Poll.until(
                    () -> {
                      throw broken;
                    },
                    x -> true,
                    Duration.ofSeconds(10)))
        .isSameAs(broken);
  }
}
