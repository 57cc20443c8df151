package io.farcall.runtime.internal.invoke;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import io.farcall.LoadBalance;
import io.farcall.runtime.internal.discovery.Endpoint;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

/**
 * Picks the provider for one call attempt among live, not ejected candidates (never empty). Weights
 * come from the providers' registrations. Implementations are thread-safe.
 */
abstract class LoadBalancer {
  final ToIntFunction<Endpoint> weight;

  LoadBalancer(ToIntFunction<Endpoint> weight) {
    this.weight = weight;
  }

  abstract Endpoint pick(List<Endpoint> candidates, Object[] args);

  static LoadBalancer of(LoadBalance kind, ToIntFunction<Endpoint> weight, ProviderHealth health) {
    return switch (kind) {
      case ROUND_ROBIN -> new RoundRobin(weight);
      case RANDOM -> new Random(weight);
      case CONSISTENT_HASH -> new ConsistentHash(weight);
      case LEAST_LOADED, DEFAULT -> new LeastLoaded(weight, health);
    };
  }

  /** Index into the candidates of a position in [0, total weight). */
  final int byWeight(List<Endpoint> candidates, long position) {
    long p = position;
    for (int i = 0; i < candidates.size(); i++) {
      p -= Math.max(1, weight.applyAsInt(candidates.get(i)));
      if (p < 0) {
        return i;
      }
    }
    return candidates.size() - 1;
  }

  final long totalWeight(List<Endpoint> candidates) {
    long total = 0;
    for (Endpoint e : candidates) {
      total += Math.max(1, weight.applyAsInt(e));
    }
    return total;
  }

  final int randomByWeight(List<Endpoint> candidates) {
    return byWeight(candidates, ThreadLocalRandom.current().nextLong(totalWeight(candidates)));
  }

  /** Each provider in turn, as often as its weight says. */
  static final class RoundRobin extends LoadBalancer {
    private final AtomicLong next = new AtomicLong();

    RoundRobin(ToIntFunction<Endpoint> weight) {
      super(weight);
    }

    @Override
    Endpoint pick(List<Endpoint> candidates, Object[] args) {
      long n = next.getAndIncrement() & Long.MAX_VALUE;
      // Positions step by the weights' common divisor, so that equal weights simply alternate.
      long gcd = 0;
      for (Endpoint e : candidates) {
        gcd = gcd(gcd, Math.max(1, weight.applyAsInt(e)));
      }
      return candidates.get(byWeight(candidates, (n % (totalWeight(candidates) / gcd)) * gcd));
    }

    private static long gcd(long a, long b) {
      return b == 0 ? a : gcd(b, a % b);
    }
  }

  /** A provider at random, as often as its weight says. */
  static final class Random extends LoadBalancer {
    Random(ToIntFunction<Endpoint> weight) {
      super(weight);
    }

    @Override
    Endpoint pick(List<Endpoint> candidates, Object[] args) {
      return candidates.get(randomByWeight(candidates));
    }
  }

  /**
   * Power of two choices: two providers drawn by weight, the one with fewer calls outstanding from
   * this JVM per unit of weight wins. Cheap, needs no global view, and steers away from a provider
   * that slows down, since its calls pile up.
   */
  static final class LeastLoaded extends LoadBalancer {
    private final ProviderHealth health;

    LeastLoaded(ToIntFunction<Endpoint> weight, ProviderHealth health) {
      super(weight);
      this.health = health;
    }

    @Override
    Endpoint pick(List<Endpoint> candidates, Object[] args) {
      if (candidates.size() == 1) {
        return candidates.get(0);
      }
      Endpoint a = candidates.get(randomByWeight(candidates));
      Endpoint b = candidates.get(randomByWeight(candidates));
      if (a == b) {
        return a;
      }
      double loadA = (double) health.of(a).outstanding.get() / Math.max(1, weight.applyAsInt(a));
      double loadB = (double) health.of(b).outstanding.get() / Math.max(1, weight.applyAsInt(b));
      return loadA <= loadB ? a : b;
    }
  }

  /**
   * A hash ring with virtual nodes per provider (more for heavier ones); the first argument's hash
   * picks the node. Same key, same provider while the provider set stays the same; a provider
   * coming or going moves only the keys next to its nodes. Calls without arguments go anywhere.
   */
  static final class ConsistentHash extends LoadBalancer {
    private static final int NODES_PER_WEIGHT = 40;
    private static final HashFunction HASH = Hashing.murmur3_128();
    private volatile Ring ring = new Ring(List.of(), new TreeMap<>());

    private record Ring(List<Endpoint> members, TreeMap<Long, Endpoint> nodes) {}

    ConsistentHash(ToIntFunction<Endpoint> weight) {
      super(weight);
    }

    @Override
    Endpoint pick(List<Endpoint> candidates, Object[] args) {
      if (args == null || args.length == 0) {
        return candidates.get(randomByWeight(candidates));
      }
      Ring r = ring;
      if (!r.members().equals(candidates)) {
        r = build(candidates);
        ring = r;
      }
      long key = HASH.hashString(String.valueOf(args[0]), StandardCharsets.UTF_8).asLong();
      Map.Entry<Long, Endpoint> e = r.nodes().ceilingEntry(key);
      return (e != null ? e : r.nodes().firstEntry()).getValue();
    }

    private Ring build(List<Endpoint> candidates) {
      TreeMap<Long, Endpoint> nodes = new TreeMap<>();
      for (Endpoint e : candidates) {
        int n = NODES_PER_WEIGHT * Math.max(1, weight.applyAsInt(e));
        for (int i = 0; i < n; i++) {
          // By address, not instance id: a provider that re-registers keeps its keys.
          long point =
              HASH.hashString(e.host() + ":" + e.port() + "#" + i, StandardCharsets.UTF_8).asLong();
          nodes.put(point, e);
        }
      }
      return new Ring(List.copyOf(candidates), nodes);
    }
  }
}
