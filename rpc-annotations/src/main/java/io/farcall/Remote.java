package io.farcall;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface whose methods may be called in another JVM.
 *
 * <p>Every abstract method becomes a remote method. A method returning {@code
 * java.util.concurrent.CompletableFuture} is asynchronous: the caller gets the future at once and
 * no thread waits for the reply. {@code default} methods and the methods of {@code Object} run
 * locally, on the caller's side.
 *
 * <p>Only the types that appear in the interface's signatures (parameters, return types, declared
 * exceptions, and the types of their fields, transitively), plus common JDK value types and
 * collections, may travel in a call. Anything else is refused by the receiving side.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Remote {

  /**
   * The service name under which providers register and consumers look them up. Empty (the default)
   * means the interface's fully qualified name.
   */
  String value() default "";

  /**
   * The default deadline of every call on this interface, in milliseconds. Zero or less (the
   * default) means the runtime's configured default timeout.
   */
  long timeoutMillis() default 0;

  /** How calls on this interface pick a provider; by default, the runtime's setting. */
  LoadBalance loadBalance() default LoadBalance.DEFAULT;
}
