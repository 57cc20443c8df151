package acme.faults;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;

/**
 * The time left before the deadline of the call this provider thread is serving. Farcall has no
 * public API for it yet, so this reads the runtime's own record of it, the one that nested calls
 * inherit ({@code io.farcall.runtime.internal.invoke.CallContext.deadlineNanos()}, a {@link
 * System#nanoTime()} instant, 0 for none), by reflection: for tests only, and it breaks loudly if
 * that internal class changes.
 */
final class RemainingTime {
  private static final MethodHandle DEADLINE_NANOS = find();

  private RemainingTime() {}

  private static MethodHandle find() {
    try {
      Class<?> context =
          Class.forName(
              "io.farcall.runtime.internal.invoke.CallContext",
              true,
              ClassLoader.getSystemClassLoader());
      Method m = context.getDeclaredMethod("deadlineNanos");
      m.setAccessible(true);
      return MethodHandles.lookup().unreflect(m).asType(MethodType.methodType(long.class));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Farcall's call context is not where this test expects", e);
    }
  }

  /** Microseconds left, or {@link Long#MAX_VALUE} if the call has no deadline. */
  static long micros() {
    long deadline;
    try {
      deadline = (long) DEADLINE_NANOS.invokeExact();
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
    return deadline == 0 ? Long.MAX_VALUE : (deadline - System.nanoTime()) / 1_000;
  }
}
