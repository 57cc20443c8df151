package io.farcall.runtime.internal.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.runtime.internal.codec.proto.Header;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WireDeadlineTest {
  private static long nowUnixMicros() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
  }

  @Test
  void theTimeLeftCountsFromArrivalWhenTheAbsoluteDeadlineAgrees() {
    Header h =
        Header.newBuilder()
            .setTimeoutMicros(2_000_000)
            .setDeadlineUnixMicros(nowUnixMicros() + 2_000_000)
            .build();
    long left = WireDeadline.local(h) - System.nanoTime();
    assertThat(left)
        .isBetween(TimeUnit.MILLISECONDS.toNanos(1_900), TimeUnit.MILLISECONDS.toNanos(2_000));
  }

  @Test
  void aRequestReadLateAfterItsAbsoluteDeadlineHasNoTimeLeft() {
    // Sent with 1 s to go, read 6 s later (the provider was frozen): the relative timeout alone
    // would grant a fresh second.
    Header h =
        Header.newBuilder()
            .setTimeoutMicros(1_000_000)
            .setDeadlineUnixMicros(nowUnixMicros() - 5_000_000)
            .build();
    assertThat(WireDeadline.local(h) - System.nanoTime()).isNegative();
  }

  @Test
  void clocksThatDisagreeALittleDoNotShortenTheTime() {
    // The caller's clock is 200 ms behind ours: its absolute deadline looks 200 ms early.
    Header h =
        Header.newBuilder()
            .setTimeoutMicros(1_000_000)
            .setDeadlineUnixMicros(nowUnixMicros() + 800_000)
            .build();
    long left = WireDeadline.local(h) - System.nanoTime();
    assertThat(left).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(950));
  }

  @Test
  void noTimeoutMeansNoDeadline() {
    assertThat(WireDeadline.local(Header.getDefaultInstance())).isZero();
  }

  @Test
  void theLongestDeadlinesSaturateInsteadOfOverflowingIntoThePast() {
    for (Header h :
        new Header[] {
          Header.newBuilder().setTimeoutMicros(Long.MAX_VALUE).build(),
          Header.newBuilder()
              .setTimeoutMicros(Long.MAX_VALUE)
              .setDeadlineUnixMicros(Long.MAX_VALUE)
              .build(),
          Header.newBuilder()
              .setTimeoutMicros(Long.MAX_VALUE / 1000 + 1)
              .setDeadlineUnixMicros(Long.MAX_VALUE - 1)
              .build()
        }) {
      long left = WireDeadline.local(h) - System.nanoTime();
      assertThat(left)
          .as("time left for %s", h)
          .isGreaterThan(TimeUnit.DAYS.toNanos(365L * 70))
          .isLessThanOrEqualTo(WireDeadline.MAX_TIME_LEFT_NANOS);
    }
  }
}
