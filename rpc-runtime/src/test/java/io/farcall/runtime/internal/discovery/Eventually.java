package io.farcall.runtime.internal.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling for conditions that a ZooKeeper watch makes true shortly. */
final class Eventually {
  private Eventually() {}

  static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        assertThat(condition.getAsBoolean()).as(what + " within " + timeout).isTrue();
        return;
      }
      Thread.sleep(20);
    }
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    await(what, Duration.ofSeconds(10), condition);
  }
}
