package io.farcall.runtime.internal.codec;

import com.google.common.primitives.Primitives;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Fits a value that arrived by name (from a sender whose version of the type differs) to the field
 * or component declared here, or refuses it with a {@link BodyDecodingException} that names the
 * field and what each side has. Never a silent change of value:
 *
 * <ul>
 *   <li>a value of the declared type (for generic types: every element, key and value of a
 *       collection, map, optional or array too) is kept as it is;
 *   <li>a number goes into any numeric field that represents it exactly ({@code int} to {@code
 *       long}, and {@code long} back to {@code int} while it fits); one that does not fit is
 *       refused;
 *   <li>null into a primitive, and anything of another type, is refused.
 * </ul>
 */
final class ValueConversion {
  private ValueConversion() {}

  /**
   * @param where what the value is, for the error: {@code field 'qty' of acme.Item}
   */
  static Object fit(Object value, Class<?> declared, Type generic, String where) {
    if (value == null) {
      if (declared.isPrimitive()) {
        throw new BodyDecodingException(where + " arrived as null, but is a " + declared + " here");
      }
      return null;
    }
    Class<?> boxed = Primitives.wrap(declared);
    if (boxed.isInstance(value)) {
      String bad = nonConforming(value, generic, 0);
      if (bad != null) {
        throw new BodyDecodingException(
            where + " is declared " + generic.getTypeName() + " here, but " + bad);
      }
      return value;
    }
    if (isNumeric(boxed) && isNumeric(value.getClass())) {
      Object converted = exactly(value, boxed);
      if (converted == null) {
        throw new BodyDecodingException(
            where
                + " is a "
                + declared.getName()
                + " here and cannot hold the "
                + Primitives.unwrap(value.getClass()).getName()
                + " value "
                + value
                + " that arrived");
      }
      return converted;
    }
    throw new BodyDecodingException(
        where
            + " arrived as a "
            + value.getClass().getName()
            + ", but is a "
            + declared.getName()
            + " here");
  }

  private static boolean isNumeric(Class<?> boxed) {
    return boxed == Byte.class
        || boxed == Short.class
        || boxed == Integer.class
        || boxed == Long.class
        || boxed == Float.class
        || boxed == Double.class
        || boxed == Character.class;
  }

  /** The value as {@code target} if that represents it exactly, else null. */
  private static Object exactly(Object value, Class<?> target) {
    if (value instanceof Float || value instanceof Double) {
      double d = ((Number) value).doubleValue();
      if (target == Double.class) {
        return d;
      }
      if (target == Float.class) {
        float f = (float) d;
        return f == d || Double.isNaN(d) ? f : null;
      }
      return null; // a floating-point value never silently becomes an integer
    }
    long v = value instanceof Character c ? c : ((Number) value).longValue();
    if (target == Long.class) {
      return v;
    }
    if (target == Integer.class) {
      return v == (int) v ? (int) v : null;
    }
    if (target == Short.class) {
      return v == (short) v ? (short) v : null;
    }
    if (target == Byte.class) {
      return v == (byte) v ? (byte) v : null;
    }
    if (target == Character.class) {
      return v == (char) v ? (char) v : null;
    }
    if (target == Double.class) {
      double d = v;
      return (long) d == v && d != 0x1p63 ? d : null;
    }
    float f = v;
    return (long) f == v && f != 0x1p63f ? f : null;
  }

  /**
   * Why a value does not fit the type arguments of its declared type (a {@code List<String>}
   * holding an {@code Integer}), or null if it fits. Erasure lets such values through Kryo, which
   * builds collections from the classes it reads.
   */
  private static String nonConforming(Object value, Type type, int depth) {
    if (value == null || type instanceof Class<?> || depth > PooledKryo.MAX_DEPTH) {
      return null;
    }
    if (type instanceof ParameterizedType p) {
      Type[] args = p.getActualTypeArguments();
      if (value instanceof Collection<?> c && args.length == 1) {
        for (Object element : c) {
          String bad = element(element, args[0], depth, "an element");
          if (bad != null) {
            return bad;
          }
        }
      } else if (value instanceof Map<?, ?> m && args.length == 2) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
          String bad = element(e.getKey(), args[0], depth, "a key");
          if (bad == null) {
            bad = element(e.getValue(), args[1], depth, "a value");
          }
          if (bad != null) {
            return bad;
          }
        }
      } else if (value instanceof Optional<?> o && args.length == 1 && o.isPresent()) {
        return element(o.get(), args[0], depth, "its value");
      }
      return null;
    }
    if (type instanceof GenericArrayType a && value instanceof Object[] array) {
      for (Object element : array) {
        String bad = element(element, a.getGenericComponentType(), depth, "an element");
        if (bad != null) {
          return bad;
        }
      }
    }
    return null;
  }

  private static String element(Object element, Type type, int depth, String what) {
    if (element == null) {
      return null;
    }
    Class<?> raw = Primitives.wrap(SignatureTypes.erasure(type));
    if (!raw.isInstance(element)) {
      return what + " that arrived is a " + element.getClass().getName();
    }
    return nonConforming(element, type, depth + 1);
  }

  /** The value a field or component of this type has when nothing arrived for it. */
  static Object defaultOf(Class<?> type) {
    if (!type.isPrimitive()) {
      return null;
    }
    if (type == boolean.class) {
      return false;
    }
    if (type == char.class) {
      return '\0';
    }
    return exactly(0, Primitives.wrap(type));
  }
}
