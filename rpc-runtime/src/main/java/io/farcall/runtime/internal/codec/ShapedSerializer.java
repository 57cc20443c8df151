package io.farcall.runtime.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes a user class or record positionally when the receiving peer has the same shape of it (see
 * {@link TypeShape}), and by name otherwise; reads either. One byte before each value says which,
 * so a reader never depends on what its peer knows.
 *
 * <p><b>By name</b>: the number of members, then for each its name, the length of its value and the
 * value with its class id. The reader matches members by name: one it lacks is skipped by its
 * length (its class need not even be known here), one that did not arrive keeps the value the
 * class's no-arg constructor gives it (or the type's default, as for a record's component), and a
 * value is fitted to the member's type here by {@link ValueConversion}, or refused naming both.
 *
 * <p>Belongs to one {@link PooledKryo}, whose {@link PooledKryo#writesPositionally} says what the
 * peer of the body being written knows.
 */
@SuppressWarnings({"rawtypes", "unchecked"}) // Kryo's signatures
final class ShapedSerializer extends Serializer<Object> {
  static final int POSITIONAL = 0;
  static final int BY_NAME = 1;

  /** As {@link #POSITIONAL}, and the object takes the body's next object id. */
  static final int NEW_POSITIONAL = 2;

  /** As {@link #BY_NAME}, and the object takes the body's next object id. */
  static final int NEW_BY_NAME = 3;

  /** An object written before in this body; its id follows. */
  static final int SEEN = 4;

  private final PooledKryo owner;
  private final int index;
  private final Class<?> type;
  private final Serializer positional;
  private final Member[] members;
  private final Map<String, Member> byName = new HashMap<>();

  /** A record's canonical constructor; null for a class. */
  private final Constructor<?> canonical;

  /**
   * One field of a class, or component of a record.
   *
   * @param position the component's index in the canonical constructor; unused for a class
   */
  private record Member(
      String name, Class<?> type, Type generic, Field field, Method accessor, int position) {
    Object get(Object object) throws ReflectiveOperationException {
      return field != null ? field.get(object) : accessor.invoke(object);
    }
  }

  ShapedSerializer(PooledKryo owner, AllowList.Entry entry, Serializer<?> positional) {
    this.owner = owner;
    this.index = entry.index();
    this.type = entry.type();
    this.positional = positional;
    setImmutable(positional.isImmutable());
    if (type.isRecord()) {
      RecordComponent[] components = type.getRecordComponents();
      members = new Member[components.length];
      Class<?>[] parameterTypes = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        RecordComponent c = components[i];
        Method accessor = accessible(c.getAccessor());
        members[i] = new Member(c.getName(), c.getType(), c.getGenericType(), null, accessor, i);
        parameterTypes[i] = c.getType();
      }
      try {
        canonical = accessible(type.getDeclaredConstructor(parameterTypes));
      } catch (NoSuchMethodException e) {
        throw new IllegalArgumentException(
            "record " + type.getName() + " has no canonical constructor", e);
      }
    } else {
      FieldSerializer.CachedField[] fields = ((FieldSerializer<?>) positional).getFields();
      members = new Member[fields.length];
      Set<String> names = new HashSet<>();
      for (int i = 0; i < fields.length; i++) {
        Field f = accessible(fields[i].getField());
        String name = f.getName();
        if (!names.add(name)) {
          // A superclass field hidden by one of the same name: named with its class.
          name = f.getDeclaringClass().getSimpleName() + "." + name;
          names.add(name);
        }
        members[i] = new Member(name, f.getType(), f.getGenericType(), f, null, i);
      }
      canonical = null;
    }
    for (Member m : members) {
      byName.put(m.name, m);
    }
  }

  private static <T extends AccessibleObject> T accessible(T member) {
    member.setAccessible(true);
    return member;
  }

  @Override
  public void write(Kryo kryo, Output output, Object object) {
    boolean positionally = owner.writesPositionally(index);
    int mode = positionally ? POSITIONAL : BY_NAME;
    if (owner.writesWithIdentity(index)) {
      // Only classes that can form a cycle (CyclicTypes): other values pay nothing for it.
      int seen = owner.writtenId(object);
      if (seen >= 0) {
        output.writeByte(SEEN);
        output.writeVarInt(seen, true);
        return;
      }
      mode = positionally ? NEW_POSITIONAL : NEW_BY_NAME;
    }
    output.writeByte(mode);
    if (positionally) {
      positional.write(kryo, output, object);
    } else {
      writeByName(kryo, output, object);
    }
  }

  @Override
  public Object read(Kryo kryo, Input input, Class type) {
    int mode = input.readByte();
    switch (mode) {
      case POSITIONAL:
        return positional.read(kryo, input, type);
      case BY_NAME:
        return readByName(kryo, input);
      case NEW_POSITIONAL:
      case NEW_BY_NAME:
        if (canonical != null) {
          throw new BodyDecodingException("a record " + this.type.getName() + " with an identity");
        }
        owner.expectNew(); // taken by the object as soon as it is created, before its fields
        Object object =
            mode == NEW_POSITIONAL ? positional.read(kryo, input, type) : readByName(kryo, input);
        owner.newObject(object); // in case no serializer announced it
        return object;
      case SEEN:
        Object seen = owner.readObject(input.readVarInt(true));
        if (!this.type.isInstance(seen)) {
          throw new BodyDecodingException(
              "a reference to a "
                  + seen.getClass().getName()
                  + " where a "
                  + this.type.getName()
                  + " belongs");
        }
        return seen;
      default:
        throw new BodyDecodingException(
            "a " + this.type.getName() + " arrived in an unknown encoding (" + mode + ")");
    }
  }

  private void writeByName(Kryo kryo, Output output, Object object) {
    output.writeVarInt(members.length, true);
    for (Member m : members) {
      Object value;
      try {
        value = m.get(object);
      } catch (ReflectiveOperationException e) {
        throw new IllegalArgumentException("cannot read " + where(m.name) + ": " + e, e);
      }
      ByNameMembers.write(owner, output, m.name, value);
    }
  }

  private Object readByName(Kryo kryo, Input input) {
    int count = input.readVarInt(true);
    BoundedInput.checkCount(input, count);
    Object target = null;
    if (canonical == null) {
      target = kryo.newInstance(type);
      kryo.reference(target);
    }
    Object[] components = canonical == null ? null : new Object[members.length];
    boolean[] arrived = new boolean[members.length];
    for (int i = 0; i < count; i++) {
      String name = input.readString();
      Member m = name == null ? null : byName.get(name);
      int end = ByNameMembers.end(owner, input, m == null);
      if (m == null) {
        continue; // a member this version does not have, skipped
      }
      if (arrived[m.position]) {
        throw new BodyDecodingException(where(name) + " arrived twice");
      }
      arrived[m.position] = true;
      Object value = ByNameMembers.read(kryo, input, end, m.type, m.generic, where(name));
      if (canonical != null) {
        components[m.position] = value;
      } else {
        try {
          m.field.set(target, value);
        } catch (IllegalAccessException e) {
          throw new BodyDecodingException("cannot set " + where(name) + ": " + e);
        }
      }
    }
    if (canonical == null) {
      return target;
    }
    for (Member m : members) {
      if (!arrived[m.position]) {
        components[m.position] = ValueConversion.defaultOf(m.type);
      }
    }
    try {
      return canonical.newInstance(components);
    } catch (InvocationTargetException e) {
      throw new BodyDecodingException(
          "record " + type.getName() + " refused the values that arrived: " + e.getCause(), e);
    } catch (ReflectiveOperationException e) {
      throw new BodyDecodingException("cannot build record " + type.getName() + ": " + e, e);
    }
  }

  private String where(String member) {
    return (canonical == null ? "field '" : "component '") + member + "' of " + type.getName();
  }
}
