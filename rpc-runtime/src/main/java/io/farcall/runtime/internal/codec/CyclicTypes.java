package io.farcall.runtime.internal.codec;

import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which allowed classes can be part of a cycle of objects: those from which a chain of field values
 * (through collections, maps, arrays and optionals too) can lead back to an object of the same
 * class. Their objects are written with identity, so that a cycle arrives as a cycle and an object
 * reached twice arrives once; every other class's objects are values, and cost nothing for it. A
 * field declared as {@code Object}, an interface or an abstract class may hold any allowed class
 * assignable to it, so it counts as leading to each of them.
 *
 * <p>Records are never written with identity: a record is built from its components, so it cannot
 * be the target of a reference from inside them (Java's serialization cannot either).
 */
final class CyclicTypes {
  private CyclicTypes() {}

  /** The classes among {@code allowed} to write with identity. */
  static Set<Class<?>> of(Collection<Class<?>> allowed) {
    List<Class<?>> nodes =
        allowed.stream()
            .filter(c -> !JdkTypes.isJdk(c) && !c.isArray() && !c.isEnum() && !c.isInterface())
            .filter(c -> !Throwable.class.isAssignableFrom(c))
            .toList();
    Map<Class<?>, Set<Class<?>>> edges = new HashMap<>();
    for (Class<?> node : nodes) {
      Set<Class<?>> to = new LinkedHashSet<>();
      for (Class<?> c = node; c != null && !JdkTypes.isJdk(c); c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          int m = f.getModifiers();
          if (!Modifier.isStatic(m) && !Modifier.isTransient(m) && !f.isSynthetic()) {
            targets(f.getGenericType(), nodes, to, 0);
          }
        }
      }
      edges.put(node, to);
    }
    Set<Class<?>> cyclic = new HashSet<>();
    for (Class<?> node : nodes) {
      if (!node.isRecord() && reaches(node, node, edges)) {
        cyclic.add(node);
      }
    }
    return cyclic;
  }

  /** The allowed classes a value of {@code type} may be or contain directly. */
  private static void targets(Type type, List<Class<?>> nodes, Set<Class<?>> to, int depth) {
    if (depth > 16) {
      return;
    }
    if (type instanceof GenericArrayType a) {
      targets(a.getGenericComponentType(), nodes, to, depth + 1);
      return;
    }
    if (type instanceof WildcardType w) {
      for (Type bound : w.getUpperBounds()) {
        targets(bound, nodes, to, depth + 1);
      }
      return;
    }
    if (type instanceof TypeVariable<?> v) {
      for (Type bound : v.getBounds()) {
        targets(bound, nodes, to, depth + 1);
      }
      return;
    }
    Class<?> raw = SignatureTypes.erasure(type);
    if (raw.isArray()) {
      targets(raw.getComponentType(), nodes, to, depth + 1);
      return;
    }
    boolean container =
        Collection.class.isAssignableFrom(raw)
            || Map.class.isAssignableFrom(raw)
            || Optional.class == raw;
    if (container && JdkTypes.isJdk(raw)) {
      if (type instanceof ParameterizedType p) {
        for (Type argument : p.getActualTypeArguments()) {
          targets(argument, nodes, to, depth + 1);
        }
      } else {
        to.addAll(nodes); // a raw collection may hold anything
      }
      return;
    }
    if (raw.isPrimitive() || (JdkTypes.isJdk(raw) && raw != Object.class && !raw.isInterface())) {
      return; // a JDK value type: holds none of ours
    }
    for (Class<?> node : nodes) {
      if (raw.isAssignableFrom(node)) {
        to.add(node);
      }
    }
  }

  private static boolean reaches(
      Class<?> from, Class<?> target, Map<Class<?>, Set<Class<?>>> edges) {
    Set<Class<?>> seen = new HashSet<>();
    Deque<Class<?>> todo = new ArrayDeque<>(edges.getOrDefault(from, Set.of()));
    while (!todo.isEmpty()) {
      Class<?> next = todo.pop();
      if (next == target) {
        return true;
      }
      if (seen.add(next)) {
        todo.addAll(edges.getOrDefault(next, Set.of()));
      }
    }
    return false;
  }
}
