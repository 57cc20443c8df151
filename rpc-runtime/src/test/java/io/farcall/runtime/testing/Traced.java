package io.farcall.runtime.testing;

import io.farcall.CurrentCall;
import io.farcall.Remote;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** Services that report the call metadata they were served with, one hop or two away. */
public final class Traced {
  private Traced() {}

  @Remote
  public interface Probe {
    /** The value of {@code key} in the served call's metadata, or "-" if it has none. */
    String metadata(String key);

    CompletableFuture<String> metadataAsync(String key);

    /** Throws an IllegalStateException with {@code message}. */
    String fail(String message);
  }

  @Remote
  public interface Hop {
    /** Asks {@link Probe} for {@code key}: what the next hop was served with. */
    String relay(String key);
  }

  public static final class ProbeImpl implements Probe {
    /** Calls that reached the implementation. */
    public final AtomicInteger served = new AtomicInteger();

    @Override
    public String metadata(String key) {
      served.incrementAndGet();
      String v = CurrentCall.metadata().get(key);
      return v == null ? "-" : v;
    }

    @Override
    public CompletableFuture<String> metadataAsync(String key) {
      return CompletableFuture.completedFuture(metadata(key));
    }

    @Override
    public String fail(String message) {
      served.incrementAndGet();
      throw new IllegalStateException(message);
    }
  }

  public static final class HopImpl implements Hop {
    private final Probe next;

    public HopImpl(Probe next) {
      this.next = next;
    }

    @Override
    public String relay(String key) {
      return next.metadata(key);
    }
  }
}
