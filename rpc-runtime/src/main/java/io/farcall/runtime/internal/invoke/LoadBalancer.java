package io.farcall.runtime.internal.invoke;

import io.farcall.runtime.internal.discovery.Endpoint;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Picks the provider for one call attempt. Implementations are thread-safe. */
interface LoadBalancer {
  /** Picks one of {@code candidates} (never empty). */
  Endpoint pick(List<Endpoint> candidates);

  /** Spreads calls evenly over the providers in turn. */
  final class RoundRobin implements LoadBalancer {
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Endpoint pick(List<Endpoint> candidates) {
      return candidates.get(Math.floorMod(next.getAndIncrement(), candidates.size()));
    }
  }
}
