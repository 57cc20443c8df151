package io.farcall.runtime.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.ObjectArraySerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.ArraysAsListSerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Kryo's collection, map and array serializers with one change: they never pre-size from a length
 * the body cannot back with bytes (see {@link BoundedInput}). Kryo's versions call {@code new
 * ArrayList(size)} / {@code new HashMap(size)} / {@code Array.newInstance(type, size)} with the
 * untrusted size before reading a single element.
 *
 * <p>Plus the JDK collection classes Kryo has no serializer for ({@code Collections.unmodifiable*})
 * and a bounded replacement for Kryo's {@code JdkImmutableListSerializer} (final, and pre-sizes).
 */
@SuppressWarnings({"rawtypes", "unchecked"})
final class BoundedSerializers {
  private BoundedSerializers() {}

  /** Kryo's {@link CollectionSerializer}, pre-sizing at most to the bytes left. */
  static class BoundedCollectionSerializer extends CollectionSerializer {
    @Override
    protected Collection create(Kryo kryo, Input input, Class type, int size) {
      return super.create(kryo, input, type, BoundedInput.capacityFor(input, size));
    }
  }

  /** Kryo's {@link MapSerializer}, pre-sizing at most to the bytes left. */
  static final class BoundedMapSerializer extends MapSerializer {
    @Override
    protected Map create(Kryo kryo, Input input, Class type, int size) {
      return super.create(kryo, input, type, BoundedInput.capacityFor(input, size));
    }
  }

  /** Kryo's {@link ArraysAsListSerializer}, pre-sizing at most to the bytes left. */
  static final class BoundedArraysAsListSerializer extends ArraysAsListSerializer {
    @Override
    protected List create(Kryo kryo, Input input, Class type, int size) {
      return super.create(kryo, input, type, BoundedInput.capacityFor(input, size));
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
   * A collection read into a plain JDK collection and then wrapped: for {@code List.of(..)} and
   * {@code Collections.unmodifiable*(..)}, whose classes have no usable constructor.
   */
  static final class WrappingCollectionSerializer extends BoundedCollectionSerializer {
    private final IntFunction<Collection<Object>> backing;
    private final Function<Collection<Object>, Collection<Object>> wrap;

    WrappingCollectionSerializer(
        IntFunction<Collection<Object>> backing,
        Function<Collection<Object>, Collection<Object>> wrap) {
      this.backing = backing;
      this.wrap = wrap;
    }

    @Override
    protected Collection create(Kryo kryo, Input input, Class type, int size) {
      return backing.apply(BoundedInput.capacityFor(input, size));
    }

    @Override
    public Collection read(Kryo kryo, Input input, Class type) {
      Collection<Object> read = super.read(kryo, input, type);
      return read == null ? null : wrap.apply(read);
    }
  }

  /** The map counterpart of {@link WrappingCollectionSerializer}. */
  static final class WrappingMapSerializer extends MapSerializer {
    private final Supplier<Map<Object, Object>> backing;
    private final Function<Map<Object, Object>, Map<Object, Object>> wrap;

    WrappingMapSerializer(
        Supplier<Map<Object, Object>> backing,
        Function<Map<Object, Object>, Map<Object, Object>> wrap) {
      this.backing = backing;
      this.wrap = wrap;
    }

    @Override
    protected Map create(Kryo kryo, Input input, Class type, int size) {
      return backing.get();
    }

    @Override
    public Map read(Kryo kryo, Input input, Class type) {
      Map<Object, Object> read = super.read(kryo, input, type);
      return read == null ? null : wrap.apply(read);
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
    return new WrappingMapSerializer(LinkedHashMap::new, Collections::unmodifiableMap);
  }
}
