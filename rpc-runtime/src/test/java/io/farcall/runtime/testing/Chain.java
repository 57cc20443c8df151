package io.farcall.runtime.testing;

import io.farcall.CurrentCall;
import io.farcall.Remote;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Three services calling each other, A -> B -> C, to follow a deadline down a call chain. */
public final class Chain {
  private Chain() {}

  @Remote
  public interface Front {
    /** Calls Middle, which waits {@code middleDelayMillis} before calling Back. */
    long front(long middleDelayMillis);
  }

  @Remote
  public interface Middle {
    long middle(long delayMillis);
  }

  @Remote
  public interface Back {
    /** The time left, in microseconds, that Back sees for the call it serves. */
    long remainingMicros();
  }

  /** Front's implementation: calls Middle through a stub of its own runtime. */
  public static final class FrontImpl implements Front {
    private final Middle middle;

    public FrontImpl(Middle middle) {
      this.middle = middle;
    }

    @Override
    public long front(long middleDelayMillis) {
      return middle.middle(middleDelayMillis);
    }
  }

  public static final class MiddleImpl implements Middle {
    private final Back back;

    /** Calls to Back this side made (after its wait), whatever came of them. */
    public final AtomicInteger callsToBack = new AtomicInteger();

    public MiddleImpl(Back back) {
      this.back = back;
    }

    @Override
    public long middle(long delayMillis) {
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try {
        return back.remainingMicros();
      } finally {
        callsToBack.incrementAndGet();
      }
    }
  }

  public static final class BackImpl implements Back {
    public final AtomicInteger executions = new AtomicInteger();

    @Override
    public long remainingMicros() {
      executions.incrementAndGet();
      return CurrentCall.remaining().map(Duration::toNanos).orElse(Long.MAX_VALUE) / 1000;
    }
  }
}
