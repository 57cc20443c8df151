package io.farcall.runtime.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * The classes one codec may put into or take out of a body, each with its Kryo registration id.
 * Grows only; thread-safe; readers see an immutable snapshot.
 *
 * <p>Ids come from a hash of the class name, never from registration order: a consumer and a
 * provider know different sets of interfaces and must still agree on every id. Two different
 * allowed classes hashing to one id is a configuration error reported with both names.
 */
final class AllowList {
  /** Smallest hashed id: Kryo's own registrations (primitives, String) use 0..8. */
  static final int MIN_ID = 64;

  /** Hashed ids stay below this, so a class id is at most a 4-byte varint. */
  static final int ID_LIMIT = 1 << 28;

  /**
   * One allowed class as Kryo registers it.
   *
   * @param serializer null means Kryo's default
   * @param shape what its positional encoding depends on, or null if nothing that can differ
   *     between versions (JDK types other than enums, arrays, collections)
   * @param index its position in {@link #entries()}
   */
  record Entry(
      Class<?> type,
      int id,
      Function<Kryo, Serializer<?>> serializer,
      TypeShape shape,
      int index) {}

  private final ToIntFunction<Class<?>> idFunction;
  private final Map<Integer, Class<?>> classById = new HashMap<>();
  private final Map<Class<?>, Entry> entryByClass = new HashMap<>();
  private volatile ImmutableList<Entry> entries = ImmutableList.of();
  private volatile ImmutableSet<Class<?>> exceptionTypes = ImmutableSet.of();

  /** By entry index: whether its objects are written with identity (see {@link CyclicTypes}). */
  private volatile boolean[] identity = new boolean[0];

  AllowList() {
    this(AllowList::idOf);
  }

  /** For tests that need two names to share an id. */
  AllowList(ToIntFunction<Class<?>> idFunction) {
    this.idFunction = idFunction;
  }

  /** The stable id of a class: murmur3 of its name, in [{@link #MIN_ID}, {@link #ID_LIMIT}). */
  static int idOf(Class<?> type) {
    int hash =
        Hashing.murmur3_32_fixed().hashString(type.getName(), StandardCharsets.UTF_8).asInt();
    return MIN_ID + Math.floorMod(hash, ID_LIMIT - MIN_ID);
  }

  /**
   * Allows {@code kryoTypes} (as Kryo registrations) and {@code exceptions} (whose own fields may
   * travel with them). All or nothing.
   *
   * @throws IllegalStateException if a new class has the id of another allowed class
   * @throws IllegalArgumentException if Kryo cannot serialize a new class
   */
  synchronized void add(Iterable<Class<?>> kryoTypes, Iterable<Class<?>> exceptions) {
    Map<Integer, Class<?>> newById = new LinkedHashMap<>();
    for (Class<?> type : kryoTypes) {
      if (entryByClass.containsKey(type) || newById.containsValue(type)) {
        continue;
      }
      int id = idFunction.applyAsInt(type);
      Class<?> holder = classById.containsKey(id) ? classById.get(id) : newById.get(id);
      if (holder != null) {
        throw new IllegalStateException(
            "classes "
                + holder.getName()
                + " and "
                + type.getName()
                + " both hash to Farcall class id "
                + id
                + "; rename one of them");
      }
      newById.put(id, type);
    }
    List<Entry> unchecked = new ArrayList<>();
    newById.forEach(
        (id, type) ->
            unchecked.add(
                new Entry(
                    type,
                    id,
                    JdkTypes.serializerFor(type),
                    null,
                    entries.size() + unchecked.size())));
    List<Entry> newEntries = PooledKryo.checkSerializable(unchecked);
    for (Entry entry : newEntries) {
      classById.put(entry.id(), entry.type());
      entryByClass.put(entry.type(), entry);
    }
    ImmutableList<Entry> all =
        ImmutableList.<Entry>builder().addAll(entries).addAll(newEntries).build();
    List<Class<?>> classes = new ArrayList<>();
    for (Entry e : all) {
      classes.add(e.type());
    }
    Set<Class<?>> cyclic = CyclicTypes.of(classes);
    boolean[] withIdentity = new boolean[all.size()];
    for (Entry e : all) {
      withIdentity[e.index()] = e.shape() != null && cyclic.contains(e.type());
    }
    identity = withIdentity;
    entries = all;
    exceptionTypes =
        ImmutableSet.<Class<?>>builder().addAll(exceptionTypes).addAll(exceptions).build();
  }

  /** Everything allowed so far, in the order it was added; later snapshots extend earlier ones. */
  ImmutableList<Entry> entries() {
    return entries;
  }

  /**
   * By entry index, whether the entry's objects are written with identity, so that cycles and
   * objects reached twice survive; covers at least every entry of {@link #entries()} seen before.
   */
  boolean[] identity() {
    return identity;
  }

  /** Whether an exception of exactly this class sends its own fields along. */
  boolean sendsFieldsOf(Class<?> exceptionType) {
    return exceptionTypes.contains(exceptionType);
  }
}
