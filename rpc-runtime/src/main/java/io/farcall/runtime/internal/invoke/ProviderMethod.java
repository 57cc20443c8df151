package io.farcall.runtime.internal.invoke;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Invokes one remote method on one implementation object. The method handle is prepared once, when
 * the object is exported: bound to the object, spread over an argument array and erased to {@code
 * (Object[])Object}, so a call costs no reflection lookup.
 */
final class ProviderMethod {
  private final MethodDescriptor descriptor;
  private final MethodHandle handle;

  ProviderMethod(MethodDescriptor descriptor, Object target) {
    this.descriptor = descriptor;
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

  MethodDescriptor descriptor() {
    return descriptor;
  }

  Object invoke(Object[] args) throws Throwable {
    return handle.invokeExact(args == null ? new Object[0] : args);
  }
}
