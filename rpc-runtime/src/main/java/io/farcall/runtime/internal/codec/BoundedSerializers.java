package io.farcall.runtime.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.ObjectArraySerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Kryo's collection, map and array serializers, made safe for hostile input. Kryo's versions trust
 * the sizes they read: they call {@code new ArrayList(size)} / {@code new HashMap(size)} / {@code
 * Array.newInstance(type, size)} before reading a single element, add the elements of an "all null"
 * collection without reading a byte for each, and fill hash tables however their keys collide.
 * These check every size against the bytes left (see {@link BoundedInput}), cap pre-sizing, and
 * check hash keys with {@link HashFlood} before they go in.
 *
 * <p>Plus the JDK collection classes Kryo has no serializer for ({@code Collections.unmodifiable*})
 * and bounded replacements for Kryo's serializers of {@code List.of}, {@code Set.of}, {@code
 * Map.of} and {@code Arrays.asList}, on the same wire format.
 */
@SuppressWarnings({"rawtypes", "unchecked"})
final class BoundedSerializers {
  private BoundedSerializers() {}

  /**
   * Kryo's {@link CollectionSerializer}, made safe for hostile input: the declared size is checked
   * against the bytes left and pre-sizing is capped ({@link BoundedInput#capacityFor}); a hash set
   * large enough to be flooded is filled only after its elements passed {@link HashFlood}; and an
   * all-null collection is written with a byte per element, so that every size a reader meets is
   * backed by bytes.
   */
  static class BoundedCollectionSerializer extends CollectionSerializer {
    private boolean elementsCanBeNull = true; // Kryo's default; it keeps its own copy private

    @Override
    public void setElementsCanBeNull(boolean elementsCanBeNull) {
      super.setElementsCanBeNull(elementsCanBeNull);
      this.elementsCanBeNull = elementsCanBeNull;
    }

    @Override
    protected final Collection create(Kryo kryo, Input input, Class type, int size) {
      int capacity = BoundedInput.capacityFor(input, size);
      Collection target = newCollection(kryo, input, type, capacity);
      if (target instanceof Set
          && !(target instanceof SortedSet)
          && HashFlood.worthChecking(size, BoundedInput.hashCollisionLimit(input))) {
        return new Staged(
            target, capacity, BoundedInput.hashCollisionLimit(input), type, ordersCollisions());
      }
      return target;
    }

    /**
     * Whether the collection read keeps keys of one self-comparable class that share a hash code in
     * order, as {@code HashMap}'s tree bins do (see {@link HashFlood}).
     */
    protected boolean ordersCollisions() {
      return true;
    }

    /** The collection to read into, pre-sized to {@code capacity}. */
    protected Collection newCollection(Kryo kryo, Input input, Class type, int capacity) {
      return super.create(kryo, input, type, capacity);
    }

    @Override
    public Collection read(Kryo kryo, Input input, Class type) {
      Collection read = super.read(kryo, input, type);
      if (read instanceof Staged staged) {
        read = staged.fill();
      }
      return read == null ? null : finish(read);
    }

    /** What the reader gets for the collection read; the collection itself here. */
    protected Collection finish(Collection read) {
      return read;
    }

    @Override
    public void write(Kryo kryo, Output output, Collection collection) {
      if (collection == null
          || collection.isEmpty()
          || !elementsCanBeNull
          || !allNull(collection)) {
        super.write(kryo, output, collection);
        return;
      }
      // Kryo writes "all null" as one mark for any number of elements; a reader cannot tell that
      // from a hostile size. Written as elements of mixed classes instead, each null is one byte,
      // which any Kryo reader reads as the same collection.
      Serializer known = getElementSerializer();
      Class generic = known == null ? kryo.getGenerics().nextGenericClass() : null;
      try {
        if (known != null || (generic != null && kryo.isFinal(generic))) {
          output.writeVarIntFlag(true, collection.size() + 1, true); // has nulls
        } else {
          output.writeVarIntFlag(false, collection.size() + 1, true); // not of one class
        }
        writeHeader(kryo, output, collection);
        for (int i = collection.size(); i > 0; i--) {
          output.writeByte(Kryo.NULL);
        }
      } finally {
        kryo.getGenerics().popGenericType();
      }
    }

    private static boolean allNull(Collection collection) {
      for (Object element : collection) {
        if (element != null) {
          return false;
        }
      }
      return true;
    }
  }

  /** A hash set's elements, gathered to be checked before they go in. */
  private static final class Staged extends ArrayList<Object> {
    private final Collection<Object> target;
    private final int limit;
    private final Class<?> type;
    private final boolean ordered;

    Staged(Collection<Object> target, int capacity, int limit, Class<?> type, boolean ordered) {
      super(capacity);
      this.target = target;
      this.limit = limit;
      this.type = type;
      this.ordered = ordered;
    }

    Collection<Object> fill() {
      Object[] elements = toArray();
      HashFlood.check(elements, elements.length, limit, type, ordered);
      target.addAll(this);
      return target;
    }
  }

  /**
   * Kryo's {@link MapSerializer}, made safe as {@link BoundedCollectionSerializer} is: sizes
   * checked, pre-sizing capped, and the keys of a hash map large enough to be flooded checked by
   * {@link HashFlood} before they go in.
   */
  static class BoundedMapSerializer extends MapSerializer {
    @Override
    protected final Map create(Kryo kryo, Input input, Class type, int size) {
      int capacity = BoundedInput.capacityFor(input, size);
      Map target = newMap(kryo, input, type, capacity);
      if (!(target instanceof SortedMap)
          && HashFlood.worthChecking(size, BoundedInput.hashCollisionLimit(input))) {
        return new StagedMap(
            target, capacity, BoundedInput.hashCollisionLimit(input), type, ordersCollisions());
      }
      return target;
    }

    /** As {@link BoundedCollectionSerializer#ordersCollisions}. */
    protected boolean ordersCollisions() {
      return true;
    }

    /** The map to read into, pre-sized to {@code capacity}. */
    protected Map newMap(Kryo kryo, Input input, Class type, int capacity) {
      return super.create(kryo, input, type, capacity);
    }

    @Override
    public Map read(Kryo kryo, Input input, Class type) {
      Map read = super.read(kryo, input, type);
      if (read instanceof StagedMap staged) {
        read = staged.fill();
      }
      return read == null ? null : finish(read);
    }

    /** What the reader gets for the map read; the map itself here. */
    protected Map finish(Map read) {
      return read;
    }
  }

  /** A hash map's entries, gathered to be checked before they go in. Kryo only puts. */
  private static final class StagedMap extends AbstractMap<Object, Object> {
    private final Map<Object, Object> target;
    private final int limit;
    private final Class<?> type;
    private final boolean ordered;
    private Object[] keys;
    private Object[] values;
    private int size;

    StagedMap(Map<Object, Object> target, int capacity, int limit, Class<?> type, boolean ordered) {
      this.target = target;
      this.limit = limit;
      this.type = type;
      this.ordered = ordered;
      this.keys = new Object[Math.max(capacity, 16)];
      this.values = new Object[keys.length];
    }

    @Override
    public Object put(Object key, Object value) {
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      keys[size] = key;
      values[size++] = value;
      return null;
    }

    @Override
    public Set<Entry<Object, Object>> entrySet() {
      throw new UnsupportedOperationException("a map being read");
    }

    Map<Object, Object> fill() {
      HashFlood.check(keys, size, limit, type, ordered);
      for (int i = 0; i < size; i++) {
        target.put(keys[i], values[i]);
      }
      return target;
    }
  }

  /** Kryo's {@link ObjectArraySerializer}, refusing an array length the bytes left cannot hold. */
  static final class BoundedObjectArraySerializer extends ObjectArraySerializer {
    BoundedObjectArraySerializer(Kryo kryo, Class type) {
      super(kryo, type);
    }

    @Override
    public Object[] read(Kryo kryo, Input input, Class type) {
      int start = input.position();
      int lengthPlusOne = input.readVarInt(true);
      if (lengthPlusOne == Kryo.NULL) {
        return null; // a null array
      }
      BoundedInput.checkCount(input, lengthPlusOne - 1);
      input.setPosition(start);
      return super.read(kryo, input, type);
    }
  }

  /**
   * An array of the application's own class: every element with its class id, so that what is
   * written does not depend on whether the class is final, which two versions may disagree on
   * (Kryo's array serializer leaves the ids out for a final component type).
   */
  static final class UserArraySerializer extends com.esotericsoftware.kryo.Serializer<Object[]> {
    private final Class<?> componentType;

    UserArraySerializer(Class<?> arrayType) {
      super(true);
      this.componentType = arrayType.getComponentType();
    }

    @Override
    public void write(Kryo kryo, com.esotericsoftware.kryo.io.Output output, Object[] array) {
      if (array == null) {
        output.writeVarInt(Kryo.NULL, true);
        return;
      }
      output.writeVarInt(array.length + 1, true);
      for (Object element : array) {
        kryo.writeClassAndObject(output, element);
      }
    }

    @Override
    public Object[] read(Kryo kryo, Input input, Class type) {
      int length = input.readVarInt(true) - 1;
      if (length < 0) {
        return null;
      }
      BoundedInput.checkCount(input, length);
      Object[] array = (Object[]) java.lang.reflect.Array.newInstance(componentType, length);
      kryo.reference(array);
      for (int i = 0; i < length; i++) {
        Object element = kryo.readClassAndObject(input);
        if (element != null && !componentType.isInstance(element)) {
          throw new BodyDecodingException(
              "an element of a "
                  + componentType.getName()
                  + "[] arrived as a "
                  + element.getClass().getName());
        }
        array[i] = element;
      }
      return array;
    }
  }

  /**
   * A collection read into a plain JDK collection and then wrapped: for {@code List.of(..)}, {@code
   * Set.of(..)} and {@code Collections.unmodifiable*(..)}, whose classes have no usable
   * constructor.
   */
  static final class WrappingCollectionSerializer extends BoundedCollectionSerializer {
    private final IntFunction<Collection<Object>> backing;
    private final Function<Collection<Object>, Collection<Object>> wrap;
    private final boolean ordersCollisions;

    WrappingCollectionSerializer(
        IntFunction<Collection<Object>> backing,
        Function<Collection<Object>, Collection<Object>> wrap) {
      this(backing, wrap, true);
    }

    /**
     * @param ordersCollisions false when what {@code wrap} makes probes a table of its own, as
     *     {@code Set.of} does, where colliding keys cost as much whatever their class
     */
    WrappingCollectionSerializer(
        IntFunction<Collection<Object>> backing,
        Function<Collection<Object>, Collection<Object>> wrap,
        boolean ordersCollisions) {
      this.backing = backing;
      this.wrap = wrap;
      this.ordersCollisions = ordersCollisions;
    }

    @Override
    protected boolean ordersCollisions() {
      return ordersCollisions;
    }

    @Override
    protected Collection newCollection(Kryo kryo, Input input, Class type, int capacity) {
      return backing.apply(capacity);
    }

    @Override
    protected Collection finish(Collection read) {
      return wrap.apply(read);
    }
  }

  /** The map counterpart of {@link WrappingCollectionSerializer}. */
  static final class WrappingMapSerializer extends BoundedMapSerializer {
    private final IntFunction<Map<Object, Object>> backing;
    private final Function<Map<Object, Object>, Map<Object, Object>> wrap;
    private final boolean ordersCollisions;

    WrappingMapSerializer(
        IntFunction<Map<Object, Object>> backing,
        Function<Map<Object, Object>, Map<Object, Object>> wrap,
        boolean ordersCollisions) {
      this.backing = backing;
      this.wrap = wrap;
      this.ordersCollisions = ordersCollisions;
    }

    @Override
    protected boolean ordersCollisions() {
      return ordersCollisions;
    }

    @Override
    protected Map newMap(Kryo kryo, Input input, Class type, int capacity) {
      return backing.apply(capacity);
    }

    @Override
    protected Map finish(Map read) {
      return wrap.apply(read);
    }
  }

  /**
   * For the classes behind {@code List.of(..)}, which {@code Stream.toList()} also uses with null
   * elements: a list with nulls comes back unmodifiable rather than failing in {@code List.of}.
   */
  static WrappingCollectionSerializer immutableList() {
    return new WrappingCollectionSerializer(
        ArrayList::new,
        read ->
            read.stream().anyMatch(Objects::isNull)
                ? Collections.unmodifiableList((List<Object>) read)
                : List.of(read.toArray()));
  }

  /** For {@code Arrays.asList(..)}, as Kryo's own serializer does it. */
  static WrappingCollectionSerializer arraysAsList() {
    return new WrappingCollectionSerializer(ArrayList::new, read -> Arrays.asList(read.toArray()));
  }

  static WrappingCollectionSerializer unmodifiableList() {
    return new WrappingCollectionSerializer(
        ArrayList::new, read -> Collections.unmodifiableList((List<Object>) read));
  }

  static WrappingCollectionSerializer unmodifiableCollection() {
    return new WrappingCollectionSerializer(ArrayList::new, Collections::unmodifiableCollection);
  }

  static WrappingCollectionSerializer unmodifiableSet() {
    return new WrappingCollectionSerializer(
        LinkedHashSet::new, read -> Collections.unmodifiableSet((java.util.Set<Object>) read));
  }

  static WrappingMapSerializer unmodifiableMap() {
    return new WrappingMapSerializer(LinkedHashMap::new, Collections::unmodifiableMap, true);
  }

  /**
   * For the classes behind {@code Set.of(..)}, as Kryo's own serializer writes them (no nulls, so
   * no null marks). {@code Set.of} probes a table of its own, with no tree for colliding keys, so
   * its elements pass {@link HashFlood} whatever their class.
   */
  static WrappingCollectionSerializer immutableSet() {
    WrappingCollectionSerializer serializer =
        new WrappingCollectionSerializer(HashSet::new, read -> Set.of(read.toArray()), false);
    serializer.setElementsCanBeNull(false);
    return serializer;
  }

  /** For the classes behind {@code Map.of(..)}, as Kryo's own serializer writes them. */
  static WrappingMapSerializer immutableMap() {
    WrappingMapSerializer serializer = new WrappingMapSerializer(HashMap::new, Map::copyOf, false);
    serializer.setKeysCanBeNull(false);
    serializer.setValuesCanBeNull(false);
    return serializer;
  }
}
