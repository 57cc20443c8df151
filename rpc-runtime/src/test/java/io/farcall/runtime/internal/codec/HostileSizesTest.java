package io.farcall.runtime.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.io.Output;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bodies whose declared sizes, or whose hash keys, would make a reader spend memory or time out of
 * all proportion to their bytes.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES) // a guard against hangs, not a performance claim
class HostileSizesTest {
  /** A key type whose hashes collide in a grid, as real coordinates do. */
  record Point(int x, int y) {}

  private final BodyCodec codec = new BodyCodec(List.of(Point.class));

  /** The collection classes built on Kryo's collection serializer, as a body names them. */
  private static final List<Class<?>> COLLECTIONS =
      List.of(
          ArrayList.class,
          LinkedList.class,
          HashSet.class,
          LinkedHashSet.class,
          List.of(1, 2, 3).getClass(),
          List.of(1).getClass(),
          Set.of(1, 2, 3).getClass(),
          Collections.unmodifiableList(new ArrayList<>()).getClass(),
          Collections.unmodifiableSet(new HashSet<>()).getClass(),
          Collections.unmodifiableCollection(new ArrayList<>()).getClass(),
          Arrays.asList().getClass());

  @Test
  void aCollectionOfNullsLargerThanItsBytesIsRefusedBeforeAnyElementIsAdded() {
    for (Class<?> type : COLLECTIONS) {
      for (int count : new int[] {1 << 30, Integer.MAX_VALUE - 1, 100}) {
        // Kryo's form for "all elements null": the count, then one mark for no class.
        byte[] body =
            bytes(
                o -> {
                  o.writeVarInt(AllowList.idOf(type) + 2, true);
                  o.writeVarIntFlag(true, count + 1, true); // all of one class
                  o.writeVarInt(0, true); // the class: none, all are null
                });
        assertThat(body.length).isLessThanOrEqualTo(10);
        assertThatThrownBy(() -> read(body, Object.class))
            .as("%s of %d nulls", type.getName(), count)
            .isExactlyInstanceOf(BodyDecodingException.class)
            .hasMessageContaining("length " + count)
            .hasMessageContaining("exceeds");
      }
    }
  }

  @Test
  void aMapLargerThanItsBytesIsRefused() {
    for (Class<?> type :
        List.of(
            HashMap.class,
            LinkedHashMap.class,
            ConcurrentHashMap.class,
            Map.of(1, 2, 3, 4).getClass(),
            Collections.unmodifiableMap(new HashMap<>()).getClass())) {
      byte[] body =
          bytes(
              o -> {
                o.writeVarInt(AllowList.idOf(type) + 2, true);
                o.writeVarInt(Integer.MAX_VALUE, true);
              });
      assertThatThrownBy(() -> read(body, Object.class))
          .as(type.getName())
          .isExactlyInstanceOf(BodyDecodingException.class)
          .hasMessageContaining("exceeds");
    }
  }

  @Test
  void collectionsOfNullsStillArriveWhole() {
    List<Object> nulls = new ArrayList<>(Collections.nCopies(5_000, null));
    Object[] values = {
      nulls,
      new LinkedList<>(nulls),
      Collections.unmodifiableList(nulls),
      Arrays.asList(new Object[5_000]),
      new HashSet<>(Collections.singleton(null)),
      new ArrayList<>(Collections.nCopies(3, (String) null))
    };
    for (Object value : values) {
      byte[] body = write(value);
      // Each null has a byte of its own, so a reader can check the size against them.
      assertThat(body.length).isGreaterThanOrEqualTo(((java.util.Collection<?>) value).size());
      assertThat(read(body, Object.class)).as(value.getClass().getName()).isEqualTo(value);
    }
  }

  @Test
  void aCollectionDeclaringManyElementsIsNotPreSizedForThem() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (Class<?> type : List.of(ArrayList.class, HashSet.class, HashMap.class)) {
      // As many elements declared as there are bytes left, then one, then one that stops reading.
      int size = 4 << 20;
      byte[] body = new byte[size + 16];
      Output o = new Output(body);
      o.writeVarInt(AllowList.idOf(type) + 2, true);
      if (type == HashMap.class) {
        o.writeVarInt(size / 2 + 1, true);
        o.writeVarInt(0, true); // a null key
        o.writeVarInt(0, true); // a null value
      } else {
        o.writeVarIntFlag(false, size - 8 + 1, true); // elements of mixed classes
        o.writeVarInt(0, true); // a null
      }
      o.writeVarInt(0xffff, true); // an unknown class id
      long before = threads.getCurrentThreadAllocatedBytes();
      assertThatThrownBy(() -> read(body, Object.class))
          .isExactlyInstanceOf(BodyDecodingException.class);
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      // Pre-sized for the millions declared, the array or table alone would be 8 MiB or more.
      assertThat(allocated).as(type.getName()).isLessThan(2L << 20);
    }
  }

  /** Two-element lists whose hash, 961 + 31a + b, is the same for every a. */
  private static List<List<Integer>> collidingLists(int count) {
    List<List<Integer>> keys = new ArrayList<>();
    for (int a = 0; a < count; a++) {
      keys.add(List.of(a, 1_000_000 - 31 * a));
    }
    assertThat(keys.stream().mapToInt(List::hashCode).distinct().count()).isEqualTo(1);
    return keys;
  }

  @Test
  void hashSetsAndMapsOfCollidingKeysAreRefused() {
    List<List<Integer>> keys = collidingLists(3_000);
    Map<Object, Object> map = new HashMap<>();
    keys.forEach(k -> map.put(k, 1));
    Object[] values = {
      new HashSet<>(keys),
      new LinkedHashSet<>(keys),
      Collections.unmodifiableSet(new HashSet<>(keys)),
      Set.copyOf(keys),
      map,
      new LinkedHashMap<>(map),
      new ConcurrentHashMap<>(map),
      Map.copyOf(map),
      Collections.unmodifiableMap(map)
    };
    for (Object value : values) {
      byte[] body = write(value);
      assertThatThrownBy(() -> read(body, Object.class))
          .as(value.getClass().getName())
          .isExactlyInstanceOf(BodyDecodingException.class)
          .hasMessageContaining("3000 keys")
          .hasMessageContaining("collide")
          .hasMessageContaining("maxhashcollisions");
    }
  }

  @Test
  void theCollisionLimitIsASetting() {
    byte[] body = write(new HashSet<>(collidingLists(200)));
    assertThatThrownBy(() -> read(body, Object.class))
        .isExactlyInstanceOf(BodyDecodingException.class);
    codec.hashCollisionLimit(500);
    assertThat(read(body, Object.class)).isEqualTo(new HashSet<>(collidingLists(200)));
    assertThatThrownBy(() -> codec.hashCollisionLimit(0)).hasMessageContaining("maxhashcollisions");
  }

  @Test
  void collidingKeysOfOneSelfComparableClassAreAllowedForHashMapKeepsThemOrdered() {
    // (i << 32 | i) hashes to 0 for every i; a HashMap keeps such Longs in a tree.
    Set<Long> longs = new HashSet<>();
    for (long i = 0; i < 5_000; i++) {
      longs.add(i << 32 | i);
    }
    assertThat(longs.stream().mapToInt(Object::hashCode).distinct().count()).isEqualTo(1);
    assertThat(read(write(longs), Object.class)).isEqualTo(longs);
    // Mixed with other classes of the same hash, the tree cannot order them: refused.
    Set<Object> mixed = new HashSet<>(longs);
    mixed.addAll(collidingLists(100).stream().map(l -> (Object) l).toList());
    Set<Object> mixedSameHash = new HashSet<>();
    for (Object key : mixed) {
      if (key.hashCode() == 0) {
        mixedSameHash.add(key);
      }
    }
    for (int a = 0; a < 2_000; a++) {
      mixedSameHash.add(List.of(a, -961 - 31 * a)); // hash 0 as well
    }
    assertThatThrownBy(() -> read(write(mixedSameHash), Object.class))
        .isExactlyInstanceOf(BodyDecodingException.class)
        .hasMessageContaining("collide");
  }

  @Test
  void collidingStringsAreAllowedInAHashSetButNotInASetOfWhichProbesLinearly() {
    // "Aa" and "BB" hash alike, so every string of twelve such pairs has the same hash.
    List<String> strings = new ArrayList<>(List.of(""));
    for (int i = 0; i < 12; i++) {
      List<String> longer = new ArrayList<>();
      for (String prefix : strings) {
        longer.add(prefix + "Aa");
        longer.add(prefix + "BB");
      }
      strings = longer;
    }
    assertThat(strings.stream().mapToInt(String::hashCode).distinct().count()).isEqualTo(1);
    Set<String> hashSet = new HashSet<>(strings);
    assertThat(read(write(hashSet), Object.class)).isEqualTo(hashSet);
    byte[] setOf = write(Set.copyOf(strings));
    assertThatThrownBy(() -> read(setOf, Object.class))
        .isExactlyInstanceOf(BodyDecodingException.class)
        .hasMessageContaining("4096 keys")
        .hasMessageContaining("collide");
  }

  @Test
  void realKeysWhoseHashesCollideSomewhatArriveWhole() {
    // A grid: a record's hash is 31x + y, so about 25 points share each hash code.
    Set<Point> grid = new HashSet<>();
    for (int x = 0; x < 100; x++) {
      for (int y = 0; y < 1_000; y++) {
        grid.add(new Point(x, y));
      }
    }
    assertThat(read(write(grid), Object.class)).isEqualTo(grid);
    Map<List<Integer>, Integer> small = new HashMap<>();
    collidingLists(60).forEach(k -> small.put(k, k.get(0))); // too few to take long
    assertThat(read(write(small), Object.class)).isEqualTo(small);
  }

  private byte[] write(Object value) {
    ByteBuf buf = Unpooled.buffer();
    try {
      codec.writeValue(buf, value, Object.class, PeerShapes.SAME);
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      return bytes;
    } finally {
      buf.release();
    }
  }

  private Object read(byte[] body, Class<?> declared) {
    ByteBuf buf = Unpooled.wrappedBuffer(body);
    try {
      return codec.readValue(buf, declared);
    } finally {
      buf.release();
    }
  }

  private static byte[] bytes(Consumer<Output> body) {
    Output output = new Output(64, -1);
    body.accept(output);
    return output.toBytes();
  }
}
