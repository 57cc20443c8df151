package io.farcall.runtime.internal.proxy;

import static net.bytebuddy.matcher.ElementMatchers.isToString;

import io.farcall.runtime.internal.invoke.ClientInvoker;
import io.farcall.runtime.internal.invoke.MethodDescriptor;
import io.farcall.runtime.internal.invoke.ServiceDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.modifier.FieldManifestation;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.dynamic.loading.MultipleParentClassLoader;
import net.bytebuddy.implementation.FieldAccessor;
import net.bytebuddy.implementation.MethodCall;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Generates, once per {@code @Remote} interface, a stub class with Byte Buddy: a plain class that
 * implements the interface and whose every remote method is {@code return handler.invoke(index,
 * args)}, with the index a constant in the bytecode, so a call costs no reflection and no map
 * lookup. {@code default} methods are inherited unchanged and {@code equals}/{@code hashCode} are
 * {@code Object}'s, so they run locally; {@code toString} names the service.
 */
public final class StubFactory {
  private static final ClassValue<Constructor<?>> STUB_CLASSES =
      new ClassValue<>() {
        @Override
        protected Constructor<?> computeValue(Class<?> type) {
          return generate(ServiceDescriptor.of(type));
        }
      };

  private StubFactory() {}

  /** A new stub of the invoker's service that sends every call through the invoker. */
  public static Object newStub(ClientInvoker invoker) {
    ServiceDescriptor service = invoker.service();
    try {
      return STUB_CLASSES.get(service.type()).newInstance(new InvokerHandler(invoker));
    } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot instantiate the stub of " + service.type(), e);
    }
  }

  private static Constructor<?> generate(ServiceDescriptor service) {
    Class<?> type = service.type();
    try {
      DynamicType.Builder<?> b =
          new ByteBuddy()
              .subclass(Object.class)
              .implement(type)
              .name(type.getName() + "$FarcallStub")
              .defineField(
                  "handler", StubHandler.class, Visibility.PRIVATE, FieldManifestation.FINAL)
              .defineConstructor(Visibility.PUBLIC)
              .withParameters(StubHandler.class)
              .intercept(
                  MethodCall.invoke(Object.class.getConstructor())
                      .andThen(FieldAccessor.ofField("handler").setsArgumentAt(0)));
      var invoke = StubHandler.class.getMethod("invoke", int.class, Object[].class);
      // Each method with the exact erased signature the JVM dispatches on: matching by name and
      // parameter types in Byte Buddy's generic view would miss Repo<T>.save(Object) inherited by
      // PartRepo extends Repo<Part>, which Byte Buddy sees as save(Part).
      Set<String> defined = new HashSet<>();
      for (Method javaMethod : service.javaMethods()) {
        String signature =
            javaMethod.getName()
                + Arrays.toString(javaMethod.getParameterTypes())
                + javaMethod.getReturnType().getName();
        if (!defined.add(signature)) {
          continue; // declared alike by two super-interfaces: one implementation serves both
        }
        MethodDescriptor m = service.method(MethodDescriptor.keyOf(javaMethod));
        b =
            b.defineMethod(javaMethod.getName(), javaMethod.getReturnType(), Visibility.PUBLIC)
                .withParameters(javaMethod.getParameterTypes())
                .throwing(javaMethod.getExceptionTypes())
                .intercept(
                    MethodCall.invoke(invoke)
                        .onField("handler")
                        .with(m.index())
                        .withArgumentArray()
                        .withAssigner(Assigner.DEFAULT, Assigner.Typing.DYNAMIC));
      }
      b =
          b.method(isToString())
              .intercept(MethodCall.invoke(Object.class.getMethod("toString")).onField("handler"));
      // The stub must see both the interface (the application's loader) and StubHandler (ours).
      ClassLoader loader =
          new MultipleParentClassLoader.Builder()
              .appendMostSpecific(List.of(type, StubHandler.class))
              .build();
      Class<?> stub = b.make().load(loader, ClassLoadingStrategy.Default.WRAPPER).getLoaded();
      return stub.getConstructor(StubHandler.class);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("cannot generate the stub of " + type, e);
    }
  }

  private static final class InvokerHandler extends StubHandler {
    private final ClientInvoker invoker;
    private final List<MethodDescriptor> methods;

    InvokerHandler(ClientInvoker invoker) {
      this.invoker = invoker;
      this.methods = invoker.service().methods();
    }

    @Override
    public Object invoke(int method, Object[] args) throws Throwable {
      return invoker.invoke(methods.get(method), args);
    }

    @Override
    public String toString() {
      return "Farcall stub of " + invoker.service().name();
    }
  }
}
