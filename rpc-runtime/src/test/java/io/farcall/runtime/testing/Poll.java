package io.farcall.runtime.testing;

import io.farcall.NoProviderException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The tests' one way to wait for something to have happened: read until what was read is as wanted,
 * or until a deadline. A test never sleeps to wait for a condition; it polls for it here.
 *
 * <p>The pause between reads is this class's business: it starts at {@value #FIRST_PAUSE_MILLIS} ms
 * and doubles up to {@value #LONGEST_PAUSE_MILLIS} ms, and never runs past the deadline, so the
 * last read is made at the deadline (or, if a read itself runs long, just after it). Whatever a
 * read throws ends the wait and reaches the caller.
 */
public final class Poll {
  static final long FIRST_PAUSE_MILLIS = 1;
  static final long LONGEST_PAUSE_MILLIS = 20;

  private Poll() {}

  /**
   * Reads until {@code done} holds of what was read, for at most {@code timeout}; returns the last
   * value read, of which {@code done} may not hold (the caller's assertions say what that means).
   */
  public static <T> T until(Supplier<T> read, Predicate<? super T> done, Duration timeout) {
    return poll(read, done, timeout).value();
  }

  /**
   * As {@link #until}, but fails if {@code done} does not hold in time: with an {@link
   * AssertionError} naming {@code what} was awaited, the timeout and the last value read (its
   * cause, too, when that value is a {@link Throwable}, as a read that catches one may return).
   */
  public static <T> T untilOrFail(
      String what, Supplier<T> read, Predicate<? super T> done, Duration timeout) {
    Outcome<T> last = poll(read, done, timeout);
    if (!last.done()) {
      throw new AssertionError(
          what + ": not within " + describe(timeout) + "; last read: " + last.value(),
          last.value() instanceof Throwable t ? t : null);
    }
    return last.value();
  }

  /** Waits until {@code condition} holds; fails naming {@code what} if it does not in time. */
  public static void untilTrue(String what, BooleanSupplier condition, Duration timeout) {
    if (!poll(condition::getAsBoolean, holds -> holds, timeout).done()) {
      throw new AssertionError(what + ": not within " + describe(timeout));
    }
  }

  /**
   * Makes {@code call} until it no longer throws {@link NoProviderException} (the consumer has not
   * heard of a provider yet); fails if it still does at {@code timeout}. What else it throws ends
   * the wait and reaches the caller.
   */
  public static void untilAProviderAnswers(Runnable call, Duration timeout) {
    untilTrue(
        "a provider answers",
        () -> {
          try {
            call.run();
            return true;
          } catch (NoProviderException e) {
            return false;
          }
        },
        timeout);
  }

  private record Outcome<T>(T value, boolean done) {}

  private static <T> Outcome<T> poll(
      Supplier<T> read, Predicate<? super T> done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = Duration.ofMillis(FIRST_PAUSE_MILLIS).toNanos();
    long longest = Duration.ofMillis(LONGEST_PAUSE_MILLIS).toNanos();
    while (true) {
      T value = read.get();
      if (done.test(value)) {
        return new Outcome<>(value, true);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return new Outcome<>(value, false);
      }
      pause(Math.min(pause, left));
      pause = Math.min(2 * pause, longest);
    }
  }

  private static void pause(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while polling", e);
    }
  }

  /** "20 s" or "250 ms", for messages. */
  private static String describe(Duration timeout) {
    long millis = timeout.toMillis();
    return millis % 1_000 == 0 ? millis / 1_000 + " s" : millis + " ms";
  }
}
