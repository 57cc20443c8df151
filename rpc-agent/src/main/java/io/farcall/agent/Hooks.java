package io.farcall.agent;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * What instrumented application code calls. Public because the calls are compiled into application
 * classes; not an API.
 */
public final class Hooks {
  private static final Logger log = LogManager.getLogger(Hooks.class);

  private Hooks() {}

  /**
   * Called when the constructor of an {@code @Export} class finishes: exports the object, unless a
   * Spring bean factory is creating it (then {@link SpringHooks} exports the bean when its context
   * is ready).
   */
  public static void exported(Object instance) {
    if (!SpringHooks.deferred(instance)) {
      exportNow(instance);
    }
  }

  /**
   * Exports {@code instance} now. Failures are logged, not thrown: the object itself was built
   * fine.
   */
  static void exportNow(Object instance) {
    try {
      AgentRuntime.export(instance);
    } catch (RuntimeException | Error e) {
      log.error("Farcall could not export {}: {}", instance.getClass().getName(), e.toString(), e);
    }
  }

  /**
   * The value of {@code @RemoteRef} field {@code field} of {@code owner}: a stub of its
   * {@code @Remote} type. Throws, naming the field, if its type is not a {@code @Remote} interface.
   */
  public static Object remoteRef(Class<?> owner, String field) {
    return AgentRuntime.stubFor(owner, field);
  }
}
