package io.farcall.runtime.internal.codec;

import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import com.google.common.hash.Hashing;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.StringJoiner;

/**
 * The shape of one type as its positional encoding depends on it: for a class, the fields its Kryo
 * field serializer writes, in that order, each with its generic type; for a record, its components
 * in the order Kryo writes them (by name); for an enum, its constants by ordinal. Every class named
 * in a field type carries a {@code !} when it is final, because Kryo leaves the class id out for
 * final types.
 *
 * <p>Two JVMs whose shapes of a type have the same {@link #hash} lay out its values identically, so
 * they can exchange it positionally; any other pair must go by name (see {@link ShapedSerializer}).
 * The description is over-inclusive on purpose: a difference that would not change the bytes only
 * costs the faster encoding, a missing one would misread values.
 *
 * @param description one line per field or constant, readable by people (the CLI shows it)
 * @param hash 64 bits of murmur3 over the description
 */
record TypeShape(String description, long hash) {

  static TypeShape of(String description) {
    return new TypeShape(
        description,
        Hashing.murmur3_128().hashString(description, StandardCharsets.UTF_8).asLong());
  }

  /**
   * The shape of an allowed class registered with {@code serializer}, or null if its encoding does
   * not depend on its declaration (JDK value types, collections with serializers of their own,
   * arrays).
   */
  static TypeShape of(Class<?> type, Serializer<?> serializer) {
    if (type.isEnum()) {
      StringJoiner d = new StringJoiner("\n").add("enum " + type.getName());
      for (Object constant : type.getEnumConstants()) {
        d.add("  " + ((Enum<?>) constant).name());
      }
      return of(d.toString());
    }
    if (JdkTypes.isJdk(type) || type.isArray()) {
      return null;
    }
    if (type.isRecord()) {
      StringJoiner d = new StringJoiner("\n").add("record " + type.getName());
      RecordComponent[] components = type.getRecordComponents();
      // Kryo's RecordSerializer writes components sorted by name.
      Arrays.stream(components)
          .sorted(Comparator.comparing(RecordComponent::getName))
          .forEach(c -> d.add("  " + c.getName() + ": " + typeName(c.getGenericType())));
      return of(d.toString());
    }
    if (serializer instanceof FieldSerializer<?> fields) {
      StringJoiner d =
          new StringJoiner("\n")
              .add(
                  (Modifier.isFinal(type.getModifiers()) ? "final class " : "class ")
                      + type.getName());
      for (FieldSerializer.CachedField cached : fields.getFields()) {
        Field f = cached.getField();
        d.add(
            "  "
                + cached.getName()
                + ": "
                + typeName(f.getGenericType())
                + (f.getDeclaringClass() == type
                    ? ""
                    : " (in " + f.getDeclaringClass().getName() + ")"));
      }
      return of(d.toString());
    }
    return null;
  }

  /** A generic type as source would write it, each final class marked with {@code !}. */
  static String typeName(Type type) {
    if (type instanceof Class<?> c) {
      if (c.isArray()) {
        return typeName(c.getComponentType()) + "[]";
      }
      return c.getName() + (!c.isPrimitive() && Modifier.isFinal(c.getModifiers()) ? "!" : "");
    }
    if (type instanceof ParameterizedType p) {
      StringJoiner args = new StringJoiner(", ", "<", ">");
      for (Type a : p.getActualTypeArguments()) {
        args.add(typeName(a));
      }
      return typeName(p.getRawType()) + args;
    }
    if (type instanceof GenericArrayType a) {
      return typeName(a.getGenericComponentType()) + "[]";
    }
    if (type instanceof WildcardType w) {
      if (w.getLowerBounds().length > 0) {
        return "? super " + typeName(w.getLowerBounds()[0]);
      }
      Type upper = w.getUpperBounds()[0];
      return upper == Object.class ? "?" : "? extends " + typeName(upper);
    }
    if (type instanceof TypeVariable<?> v) {
      StringJoiner bounds = new StringJoiner(" & ", v.getName() + " extends ", "");
      for (Type b : v.getBounds()) {
        // A bound's own type variables are named, not expanded: bounds may be recursive.
        bounds.add(b instanceof Class<?> ? typeName(b) : b.getTypeName());
      }
      return bounds.toString();
    }
    return type.getTypeName();
  }
}
