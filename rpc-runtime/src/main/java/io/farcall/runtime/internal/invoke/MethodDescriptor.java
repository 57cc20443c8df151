package io.farcall.runtime.internal.invoke;

import io.farcall.Idempotent;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Everything about one remote method that a call needs, resolved once when the interface is first
 * used: its wire key, parameter and value types, whether it is asynchronous or idempotent, and its
 * default timeout.
 */
public final class MethodDescriptor {
  private final int index;
  private final Method method;
  private final String key;
  private final Class<?>[] parameterTypes;
  private final Class<?> valueType;
  private final boolean async;
  private final boolean idempotent;
  private final long timeoutNanos;
  private final Class<?>[] exceptionTypes;

  MethodDescriptor(int index, Method method, long interfaceTimeoutMillis) {
    this.index = index;
    this.method = method;
    this.key = keyOf(method);
    this.parameterTypes = method.getParameterTypes();
    this.async = method.getReturnType() == CompletableFuture.class;
    this.valueType =
        async ? futureValueType(method.getGenericReturnType()) : method.getReturnType();
    this.idempotent = method.isAnnotationPresent(Idempotent.class);
    this.timeoutNanos =
        interfaceTimeoutMillis > 0 ? TimeUnit.MILLISECONDS.toNanos(interfaceTimeoutMillis) : 0;
    this.exceptionTypes = method.getExceptionTypes();
  }

  /** The method's key on the wire: its name and parameter types, e.g. {@code get(long,int[])}. */
  public static String keyOf(Method m) {
    return m.getName()
        + Arrays.stream(m.getParameterTypes())
            .map(Class::getTypeName)
            .collect(Collectors.joining(",", "(", ")"));
  }

  private static Class<?> futureValueType(Type t) {
    if (t instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> c) {
      return c;
    }
    if (t instanceof ParameterizedType p
        && p.getActualTypeArguments()[0] instanceof ParameterizedType inner
        && inner.getRawType() instanceof Class<?> c) {
      return c;
    }
    return Object.class;
  }

  /** Position of the method in its service, stable for one interface. */
  public int index() {
    return index;
  }

  public Method method() {
    return method;
  }

  public String key() {
    return key;
  }

  public Class<?>[] parameterTypes() {
    return parameterTypes;
  }

  /** The reply's type: the return type, or {@code T} of a {@code CompletableFuture<T>}. */
  public Class<?> valueType() {
    return valueType;
  }

  public boolean isAsync() {
    return async;
  }

  public boolean isIdempotent() {
    return idempotent;
  }

  /** The method's own default timeout from {@code @Remote}, or 0 for the runtime's default. */
  public long timeoutNanos() {
    return timeoutNanos;
  }

  public Class<?>[] exceptionTypes() {
    return exceptionTypes;
  }

  @Override
  public String toString() {
    return key;
  }
}
