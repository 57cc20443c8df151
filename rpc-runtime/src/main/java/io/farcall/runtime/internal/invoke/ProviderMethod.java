package io.farcall.runtime.internal.invoke;

import io.farcall.NonBlocking;
import io.farcall.ServerInterceptor;
import io.farcall.runtime.internal.metrics.CallMetrics;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;

/**
 * Invokes one remote method on one implementation object. The method handle is prepared once, when
 * the object is exported: bound to the object, spread over an argument array and erased to {@code
 * (Object[])Object}, so a call costs no reflection lookup.
 */
final class ProviderMethod {
  private final MethodDescriptor descriptor;
  private final MethodHandle handle;
  private final boolean nonBlocking;
  private final ExportedService service;
  private final ServerInterceptor[] interceptors;
  private final boolean interceptorsObserveEnd;
  private final Dormant[] dormant;
  private final Dispatcher owner;
  private final CallMetrics metrics;

  /**
   * @param interceptors the service's server interceptors, outermost first; shared by its methods
   */
  ProviderMethod(
      Dispatcher owner,
      ExportedService service,
      MethodDescriptor descriptor,
      Object target,
      ServerInterceptor[] interceptors,
      boolean interceptorsObserveEnd) {
    this.owner = owner;
    this.service = service;
    this.interceptors = interceptors;
    this.interceptorsObserveEnd = interceptorsObserveEnd;
    this.dormant = Dormant.all(interceptors);
    this.descriptor = descriptor;
    this.metrics =
        owner.metrics.server(service.name(), descriptor.key(), descriptor.exceptionTypes());
    this.nonBlocking = isNonBlocking(descriptor.method(), target.getClass());
    try {
      // Unreflecting the public interface method works whatever the implementation's visibility.
      MethodHandle h = MethodHandles.publicLookup().unreflect(descriptor.method()).bindTo(target);
      int n = descriptor.parameterTypes().length;
      this.handle =
          h.asSpreader(Object[].class, n)
              .asType(MethodType.methodType(Object.class, Object[].class));
    } catch (IllegalAccessException e) {
      throw new IllegalArgumentException("cannot invoke " + descriptor.method(), e);
    }
  }

  String service() {
    return service.name();
  }

  /** The service's calls in flight, and whether it takes new ones. */
  ExportedService exported() {
    return service;
  }

  ServerInterceptor[] interceptors() {
    return interceptors;
  }

  /** Whether a call now goes through the interceptors: there are some, and not all are dormant. */
  boolean intercepted() {
    return Dormant.intercepts(interceptors, dormant);
  }

  /** Whether one of the interceptors overrides {@code onEnd}. */
  boolean interceptorsObserveEnd() {
    return interceptorsObserveEnd;
  }

  /** The dispatcher that serves it: its codec, admission and logs. */
  Dispatcher owner() {
    return owner;
  }

  MethodDescriptor descriptor() {
    return descriptor;
  }

  /** The method's metrics, or null without them. */
  CallMetrics metrics() {
    return metrics;
  }

  /** Whether the provider runs it on the I/O thread ({@link NonBlocking}). */
  boolean nonBlocking() {
    return nonBlocking;
  }

  /**
   * {@link NonBlocking} on the interface method, its interface, the implementing method or the
   * implementation class (or a superclass, where the method or the annotation may be inherited).
   */
  static boolean isNonBlocking(Method remote, Class<?> implementation) {
    if (remote.isAnnotationPresent(NonBlocking.class)
        || remote.getDeclaringClass().isAnnotationPresent(NonBlocking.class)) {
      return true;
    }
    for (Class<?> c = implementation; c != null && c != Object.class; c = c.getSuperclass()) {
      if (c.isAnnotationPresent(NonBlocking.class)) {
        return true;
      }
      try {
        if (c.getDeclaredMethod(remote.getName(), remote.getParameterTypes())
            .isAnnotationPresent(NonBlocking.class)) {
          return true;
        }
      } catch (NoSuchMethodException e) {
        // not declared here; perhaps in a superclass
      }
    }
    return false;
  }

  Object invoke(Object[] args) throws Throwable {
    return handle.invokeExact(args == null ? new Object[0] : args);
  }
}
