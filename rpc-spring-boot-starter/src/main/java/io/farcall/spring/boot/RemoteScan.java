package io.farcall.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Where the starter looks for {@code @Remote} interfaces to make stub beans of, on any
 * configuration class, in addition to the application's own packages (those of its
 * {@code @SpringBootApplication} class). Use it when the service interfaces live in another
 * package, an API jar's, say:
 *
 * <pre>{@code
 * @SpringBootApplication
 * @RemoteScan(basePackageClasses = Inventory.class)
 * class ShopApplication {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RemoteScan {
  /** Packages to scan, with their subpackages. */
  String[] value() default {};

  /** Packages to scan, named by a class in each. */
  Class<?>[] basePackageClasses() default {};
}
