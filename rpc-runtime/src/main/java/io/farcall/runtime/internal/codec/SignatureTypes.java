package io.farcall.runtime.internal.codec;

import com.google.common.reflect.TypeToken;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

/**
 * Collects the classes that the signatures of a {@code @Remote} interface (or a configured type)
 * let into a body: parameter, return and declared exception types, their generic type arguments,
 * and the types of their serialized fields, transitively.
 *
 * <p>What is collected:
 *
 * <ul>
 *   <li>concrete user classes and records, enums, and arrays, as Kryo registrations;
 *   <li>for abstract user classes and interfaces, nothing themselves, but their fields and, when
 *       sealed, their permitted subclasses; other implementations must be allowed explicitly;
 *   <li>user exception classes, never as Kryo registrations (exceptions travel as data), but as
 *       exceptions whose own fields travel along, and their fields' types;
 *   <li>JDK classes only when they are enums: the other JDK types that may travel are the fixed set
 *       in {@link JdkTypes}, and the JDK's private fields are never walked.
 * </ul>
 *
 * Not thread-safe; one instance per walk.
 */
final class SignatureTypes {
  private final Set<Class<?>> kryoTypes = new LinkedHashSet<>();
  private final Set<Class<?>> exceptionTypes = new LinkedHashSet<>();
  private final Set<Object> visited = new java.util.HashSet<>();

  Set<Class<?>> kryoTypes() {
    return kryoTypes;
  }

  Set<Class<?>> exceptionTypes() {
    return exceptionTypes;
  }

  /**
   * Walks every abstract method of an interface (inherited ones included), with the type variables
   * of generic super-interfaces resolved as the interface binds them: in {@code PartRepo extends
   * Repo<Part>}, {@code Repo}'s {@code T find()} lets in a {@code Part}.
   */
  SignatureTypes addInterface(Class<?> remoteInterface) {
    if (!remoteInterface.isInterface()) {
      throw new IllegalArgumentException(remoteInterface.getName() + " is not an interface");
    }
    TypeToken<?> self = TypeToken.of(remoteInterface);
    for (Method method : remoteInterface.getMethods()) {
      if (method.isDefault() || Modifier.isStatic(method.getModifiers())) {
        continue;
      }
      for (Type parameter : method.getGenericParameterTypes()) {
        addType(self.resolveType(parameter).getType());
      }
      addType(self.resolveType(method.getGenericReturnType()).getType());
      for (Type exception : method.getGenericExceptionTypes()) {
        addType(self.resolveType(exception).getType());
      }
    }
    return this;
  }

  /** Walks one type as if it appeared in a signature; also how configured extras get in. */
  SignatureTypes addType(Type type) {
    if (type instanceof Class<?> c) {
      addClass(c);
    } else if (type instanceof ParameterizedType parameterized) {
      Class<?> raw = (Class<?>) parameterized.getRawType();
      // A future in a signature carries its element, not itself.
      if (!Future.class.isAssignableFrom(raw) && !CompletionStage.class.isAssignableFrom(raw)) {
        addClass(raw);
      }
      for (Type argument : parameterized.getActualTypeArguments()) {
        addType(argument);
      }
    } else if (type instanceof GenericArrayType array) {
      addType(array.getGenericComponentType());
      addClass(erasure(type));
    } else if (type instanceof WildcardType wildcard) {
      for (Type bound : wildcard.getUpperBounds()) {
        addType(bound);
      }
      for (Type bound : wildcard.getLowerBounds()) {
        addType(bound);
      }
    } else if (type instanceof TypeVariable<?> variable && visited.add(variable)) {
      for (Type bound : variable.getBounds()) {
        addType(bound);
      }
    }
    return this;
  }

  private void addClass(Class<?> type) {
    if (type.isPrimitive() || !visited.add(type)) {
      return;
    }
    if (type.isArray()) {
      addClass(type.getComponentType());
      if (!Throwable.class.isAssignableFrom(innermostComponent(type))) {
        kryoTypes.add(type);
      }
      return;
    }
    if (Throwable.class.isAssignableFrom(type)) {
      if (!JdkTypes.isJdk(type)) {
        exceptionTypes.add(type);
        addFields(type);
      }
      return;
    }
    if (type.isEnum()) {
      kryoTypes.add(type);
      return;
    }
    if (JdkTypes.isJdk(type) || type.isAnnotation()) {
      return;
    }
    if (type.isSealed()) {
      for (Class<?> permitted : type.getPermittedSubclasses()) {
        addClass(permitted);
      }
    }
    if (type.isInterface()) {
      return;
    }
    if (!Modifier.isAbstract(type.getModifiers())) {
      kryoTypes.add(type);
    }
    if (type.getGenericSuperclass() != null) {
      addType(type.getGenericSuperclass());
    }
    addFields(type);
  }

  /** The types of the fields Kryo serializes (and that exception data carries). */
  private void addFields(Class<?> type) {
    for (Field field : type.getDeclaredFields()) {
      int modifiers = field.getModifiers();
      if (!Modifier.isStatic(modifiers)
          && !Modifier.isTransient(modifiers)
          && !field.isSynthetic()) {
        addType(field.getGenericType());
      }
    }
    Class<?> superclass = type.getSuperclass();
    if (Throwable.class.isAssignableFrom(type)
        && superclass != null
        && !JdkTypes.isJdk(superclass)) {
      addClass(superclass);
    }
  }

  private static Class<?> innermostComponent(Class<?> array) {
    Class<?> component = array;
    while (component.isArray()) {
      component = component.getComponentType();
    }
    return component;
  }

  /** The runtime class of a type: {@code List<User>[]} is {@code List[]}. */
  static Class<?> erasure(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType parameterized) {
      return (Class<?>) parameterized.getRawType();
    }
    if (type instanceof GenericArrayType array) {
      return erasure(array.getGenericComponentType()).arrayType();
    }
    if (type instanceof TypeVariable<?> variable) {
      return erasure(variable.getBounds()[0]);
    }
    if (type instanceof WildcardType wildcard) {
      return erasure(wildcard.getUpperBounds()[0]);
    }
    return Object.class;
  }
}
