package io.farcall;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an implementation class whose instances serve every {@link Remote} interface they
 * implement. With the Farcall agent attached, each instance is exported as soon as its constructor
 * finishes; without it, pass the instance to the runtime's {@code export} method.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Export {}
