package io.farcall.runtime.internal.codec;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Idle {@link PooledKryo}s in a fixed array of slots, taken and put back with one compare-and-set
 * each. Kryo's own {@code Pool} keeps them in a {@code LinkedBlockingQueue}, which allocates a node
 * and takes a lock on every return: three times per call. A thread starts looking at a slot picked
 * by its id, so that threads mostly use different slots. When every slot is empty a new Kryo is
 * made; when every slot is full a returned one is dropped. Thread-safe.
 */
final class KryoPool {
  private final AtomicReferenceArray<PooledKryo> slots;
  private final int mask;

  /**
   * @param capacity how many idle Kryos are kept, rounded up to a power of two
   */
  KryoPool(int capacity) {
    int size = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
    this.slots = new AtomicReferenceArray<>(size);
    this.mask = size - 1;
  }

  PooledKryo obtain() {
    int start = start();
    for (int i = 0; i <= mask; i++) {
      int slot = (start + i) & mask;
      PooledKryo k = slots.get(slot);
      if (k != null && slots.compareAndSet(slot, k, null)) {
        return k;
      }
    }
    return new PooledKryo();
  }

  void free(PooledKryo k) {
    int start = start();
    for (int i = 0; i <= mask; i++) {
      int slot = (start + i) & mask;
      if (slots.get(slot) == null && slots.compareAndSet(slot, null, k)) {
        return;
      }
    }
  }

  private int start() {
    long id = Thread.currentThread().getId();
    return (int) (id ^ (id >>> 16)) & mask;
  }
}
