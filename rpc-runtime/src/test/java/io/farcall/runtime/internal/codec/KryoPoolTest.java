package io.farcall.runtime.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class KryoPoolTest {
  @Test
  void aReturnedKryoIsHandedOutAgainAndNeverToTwoHoldersAtOnce() {
    KryoPool pool = new KryoPool(4);
    PooledKryo a = pool.obtain();
    PooledKryo b = pool.obtain();
    assertThat(a).isNotSameAs(b);
    pool.free(a);
    assertThat(pool.obtain()).isSameAs(a);
    assertThat(pool.obtain()).isNotSameAs(a).isNotSameAs(b);
  }

  @Test
  void itKeepsAtMostItsCapacityAndMakesNewOnesWhenEmpty() {
    KryoPool pool = new KryoPool(2);
    List<PooledKryo> taken = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      taken.add(pool.obtain());
    }
    taken.forEach(pool::free);
    Set<PooledKryo> again = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int i = 0; i < 5; i++) {
      again.add(pool.obtain());
    }
    assertThat(again).hasSize(5);
    assertThat(again.stream().filter(taken::contains)).hasSize(2);
  }

  @Test
  void threadsThatTakeAndReturnAtOnceNeverShareOne() throws Exception {
    KryoPool pool = new KryoPool(4);
    Set<PooledKryo> inUse =
        Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(
            threads.submit(
                () -> {
                  for (int i = 0; i < 20_000; i++) {
                    PooledKryo k = pool.obtain();
                    if (!inUse.add(k)) {
                      return false;
                    }
                    inUse.remove(k);
                    pool.free(k);
                  }
                  return true;
                }));
      }
      for (Future<Boolean> r : results) {
        assertThat(r.get()).isTrue();
      }
    } finally {
      threads.shutdownNow();
    }
  }
}
