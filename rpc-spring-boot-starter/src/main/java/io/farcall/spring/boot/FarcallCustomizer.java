package io.farcall.spring.boot;

import io.farcall.runtime.FarcallSettings;

/**
 * Changes the settings of the starter's {@code Farcall} bean before it starts, after the {@code
 * farcall.*} properties: interceptors, allowed types, anything the builder takes. Every bean of
 * this type is applied, in {@link org.springframework.core.annotation.Order} order.
 *
 * <pre>{@code
 * @Bean
 * FarcallCustomizer timing() {
 *   return builder -> builder.intercept(new TimingInterceptor());
 * }
 * }</pre>
 */
@FunctionalInterface
public interface FarcallCustomizer {
  void customize(FarcallSettings.Builder builder);
}
