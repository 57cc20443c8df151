package io.farcall.runtime.internal.invoke;

import io.farcall.LoadBalance;
import io.farcall.Remote;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Remote} interface, resolved once: its service name and its remote methods (every
 * abstract method, inherited ones included; default, static and {@code Object} methods are not
 * remote). Immutable; one per interface, cached.
 */
public final class ServiceDescriptor {
  private static final ClassValue<ServiceDescriptor> CACHE =
      new ClassValue<>() {
        @Override
        protected ServiceDescriptor computeValue(Class<?> type) {
          return new ServiceDescriptor(type);
        }
      };

  private final Class<?> type;
  private final String name;
  private final List<MethodDescriptor> methods;
  private final List<Method> javaMethods;
  private final Map<String, MethodDescriptor> byKey;
  private final LoadBalance loadBalance;

  private ServiceDescriptor(Class<?> type) {
    Remote remote = type.getAnnotation(Remote.class);
    if (!type.isInterface() || remote == null) {
      throw new IllegalArgumentException(type.getName() + " is not an interface annotated @Remote");
    }
    if (!Modifier.isPublic(type.getModifiers())) {
      throw new IllegalArgumentException("@Remote interface " + type.getName() + " must be public");
    }
    this.type = type;
    this.name = remote.value().isEmpty() ? type.getName() : remote.value();
    this.loadBalance = remote.loadBalance();
    List<Method> remoteMethods = new ArrayList<>();
    for (Method m : type.getMethods()) {
      if (isRemote(m)) {
        remoteMethods.add(m);
      }
    }
    remoteMethods.sort(Comparator.comparing(MethodDescriptor::keyOf));
    List<MethodDescriptor> ms = new ArrayList<>();
    Map<String, MethodDescriptor> keys = new HashMap<>();
    for (Method m : remoteMethods) {
      MethodDescriptor d = new MethodDescriptor(ms.size(), m, remote.timeoutMillis());
      // Two interfaces may both declare the same method; one remote method serves both.
      if (keys.putIfAbsent(d.key(), d) == null) {
        ms.add(d);
      }
    }
    this.methods = List.copyOf(ms);
    this.javaMethods = List.copyOf(remoteMethods);
    this.byKey = Map.copyOf(keys);
  }

  /** The descriptor of a {@code @Remote} interface; throws IllegalArgumentException otherwise. */
  public static ServiceDescriptor of(Class<?> type) {
    return CACHE.get(type);
  }

  static boolean isRemote(Method m) {
    if (m.isDefault() || Modifier.isStatic(m.getModifiers()) || m.isSynthetic()) {
      return false;
    }
    try {
      Object.class.getMethod(m.getName(), m.getParameterTypes());
      return false; // equals, hashCode, toString redeclared in the interface stay local
    } catch (NoSuchMethodException e) {
      return true;
    }
  }

  public Class<?> type() {
    return type;
  }

  public String name() {
    return name;
  }

  /**
   * Remote methods, ordered by key; a method's {@link MethodDescriptor#index()} is its position.
   */
  public List<MethodDescriptor> methods() {
    return methods;
  }

  /**
   * Every abstract method of the interface as the JVM sees it, inherited ones included: more than
   * {@link #methods()} when two share a key, as {@code Repo<T>.find(long)} returning {@code Object}
   * and {@code PartRepo.find(long)} returning {@code Part} do. A stub implements each, calling the
   * remote method of its key.
   */
  public List<Method> javaMethods() {
    return javaMethods;
  }

  /** How calls pick a provider; {@link LoadBalance#DEFAULT} for the runtime's setting. */
  public LoadBalance loadBalance() {
    return loadBalance;
  }

  /** The method with this wire key, or null. */
  public MethodDescriptor method(String key) {
    return byKey.get(key);
  }

  @Override
  public String toString() {
    return name;
  }
}
