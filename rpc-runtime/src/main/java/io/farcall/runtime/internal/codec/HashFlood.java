package io.farcall.runtime.internal.codec;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;

/**
 * Refuses the keys of one hash set or map when they collide so much that putting them in would take
 * quadratic time.
 *
 * <p>{@code HashMap} compares a new key with {@code equals} against every key of the same hash
 * code, so a body of {@code n} keys sharing one hash costs {@code n²/2} comparisons: 118 KiB of
 * colliding {@code List<Integer>} keys took half a second of a provider thread. Keys of one class
 * that compares itself ({@code String}, boxed numbers, a record that is {@code Comparable} to
 * itself) are exempt where {@code HashMap} keeps them in a tree ordered by {@code compareTo}, so
 * they cost {@code log n} each; not in {@code Set.of} and {@code Map.of}, which probe tables of
 * their own.
 *
 * <p>The rule: on average, a key may share its hash code with at most {@code limit} others (the
 * codec's {@code maxhashcollisions}, default {@value #DEFAULT_LIMIT}). The work of putting the keys
 * in is then at most {@code limit/2} comparisons per key: linear in the body. Real data is far
 * below it: a grid of 100,000 {@code record Point(int x, int y)} keys, about 25 to a hash code,
 * passes (HostileSizesTest).
 */
final class HashFlood {
  private HashFlood() {}

  static final int DEFAULT_LIMIT = 64;

  /** Whether a class's keys are ordered by their own {@code compareTo} in a hash map's tree bin. */
  private static final ClassValue<Boolean> SELF_COMPARABLE =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
          if (type == String.class) {
            return true;
          }
          for (Type t : type.getGenericInterfaces()) {
            if (t instanceof ParameterizedType p
                && p.getRawType() == Comparable.class
                && p.getActualTypeArguments()[0] == type) {
              return true;
            }
          }
          return false;
        }
      };

  /** Whether a collection of {@code count} keys could break the rule at all; else no check. */
  static boolean worthChecking(int count, int limit) {
    return count > limit + 1;
  }

  /**
   * @param keys the keys at [0, count), nulls allowed (a hash map keeps null apart)
   * @param what the collection's class, for the message
   * @param ordered whether the collection keeps colliding keys of one self-comparable class in
   *     order (as {@code HashMap} does, and {@code Set.of} does not): then those are exempt
   * @throws BodyDecodingException if the keys collide more than {@code limit} allows
   */
  static void check(Object[] keys, int count, int limit, Class<?> what, boolean ordered) {
    if (!worthChecking(count, limit)) {
      return;
    }
    // The hash in the high half, the key's index in the low: sorting groups equal hashes.
    long[] byHash = new long[count];
    int n = 0;
    for (int i = 0; i < count; i++) {
      if (keys[i] != null) {
        byHash[n++] = ((long) keys[i].hashCode() << 32) | i;
      }
    }
    Arrays.sort(byHash, 0, n);
    long sharing = 0; // over all keys, how many others share each one's hash
    int worst = 0;
    int worstHash = 0;
    for (int start = 0; start < n; ) {
      int hash = (int) (byHash[start] >> 32);
      int end = start + 1;
      while (end < n && (int) (byHash[end] >> 32) == hash) {
        end++;
      }
      int run = end - start;
      if (run > 1 && !(ordered && oneSelfComparableClass(keys, byHash, start, end))) {
        sharing += (long) run * (run - 1);
        if (run > worst) {
          worst = run;
          worstHash = hash;
        }
      }
      start = end;
    }
    if (sharing > (long) limit * count) {
      throw new BodyDecodingException(
          "the "
              + count
              + " keys of a "
              + what.getName()
              + " collide: on average each shares its hash code with "
              + sharing / count
              + " others ("
              + worst
              + " have hash "
              + worstHash
              + "), more than the limit of "
              + limit
              + " (setting maxhashcollisions); putting them in would take quadratic time");
    }
  }

  /** Whether the keys at [start, end) of {@code byHash} are of one self-comparable class. */
  private static boolean oneSelfComparableClass(Object[] keys, long[] byHash, int start, int end) {
    Class<?> type = keys[(int) byHash[start]].getClass();
    if (!SELF_COMPARABLE.get(type)) {
      return false;
    }
    for (int i = start + 1; i < end; i++) {
      if (keys[(int) byHash[i]].getClass() != type) {
        return false;
      }
    }
    return true;
  }
}
