package io.farcall.runtime.internal.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.LoadBalance;
import io.farcall.runtime.internal.discovery.Endpoint;
import io.farcall.runtime.internal.metrics.RuntimeMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

class LoadBalancerTest {
  private static final Endpoint A = new Endpoint("a", "127.0.0.1", 7001, 1);
  private static final Endpoint B = new Endpoint("b", "127.0.0.1", 7002, 1);
  private static final Endpoint C = new Endpoint("c", "127.0.0.1", 7003, 1);
  private static final List<Endpoint> ALL = List.of(A, B, C);
  private static final ToIntFunction<Endpoint> EQUAL = e -> 10;

  private final ProviderHealth health = new ProviderHealth(null, null, RuntimeMetrics.NONE);

  @Test
  void roundRobinTakesEachProviderInTurn() {
    LoadBalancer lb = LoadBalancer.of(LoadBalance.ROUND_ROBIN, EQUAL, health);
    List<Endpoint> picks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      picks.add(lb.pick(ALL, null));
    }
    assertThat(picks).containsExactly(A, B, C, A, B, C);
  }

  @Test
  void roundRobinAndRandomGiveEachProviderItsWeightsShare() {
    ToIntFunction<Endpoint> weights = e -> e == A ? 30 : 10;
    for (LoadBalance kind : List.of(LoadBalance.ROUND_ROBIN, LoadBalance.RANDOM)) {
      Map<Endpoint, Integer> counts = count(LoadBalancer.of(kind, weights, health), 50_000, null);
      assertThat(share(counts, A)).as(kind + " share of A").isBetween(0.58, 0.62);
      assertThat(share(counts, B)).as(kind + " share of B").isBetween(0.18, 0.22);
    }
  }

  @Test
  void leastLoadedAvoidsAProviderWithManyOutstandingCalls() {
    health.of(A).outstanding.set(50);
    LoadBalancer lb = LoadBalancer.of(LoadBalance.LEAST_LOADED, EQUAL, health);
    Map<Endpoint, Integer> counts = count(lb, 30_000, null);
    // A wins only when drawn twice: about a ninth of the picks, against a third for the others.
    assertThat(share(counts, A)).isBetween(0.09, 0.13);
    assertThat(share(counts, B)).isBetween(0.41, 0.48);
  }

  @Test
  void consistentHashSendsTheSameKeyToTheSameProviderAndMovesFewKeysWhenOneLeaves() {
    LoadBalancer lb = LoadBalancer.of(LoadBalance.CONSISTENT_HASH, EQUAL, health);
    Map<String, Endpoint> before = new HashMap<>();
    for (int k = 0; k < 3_000; k++) {
      String key = "user-" + k;
      Endpoint first = lb.pick(ALL, new Object[] {key});
      assertThat(lb.pick(ALL, new Object[] {key, "other args do not matter"})).isEqualTo(first);
      before.put(key, first);
    }
    Map<Endpoint, Integer> spread = new HashMap<>();
    before.values().forEach(e -> spread.merge(e, 1, Integer::sum));
    assertThat(spread.values()).allMatch(n -> n > 700 && n < 1300);

    List<Endpoint> withoutC = List.of(A, B);
    int moved = 0;
    for (Map.Entry<String, Endpoint> e : before.entrySet()) {
      Endpoint now = lb.pick(withoutC, new Object[] {e.getKey()});
      if (e.getValue() != C && now != e.getValue()) {
        moved++;
      }
    }
    assertThat(moved).as("keys that moved though their provider stayed").isZero();
  }

  private static Map<Endpoint, Integer> count(LoadBalancer lb, int n, Object[] args) {
    Map<Endpoint, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      counts.merge(lb.pick(ALL, args), 1, Integer::sum);
    }
    return counts;
  }

  private static double share(Map<Endpoint, Integer> counts, Endpoint e) {
    int total = counts.values().stream().mapToInt(Integer::intValue).sum();
    return counts.getOrDefault(e, 0) / (double) total;
  }
}
