package io.farcall.spring.boot;

import io.farcall.runtime.Farcall;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code farcall} health indicator, for whichever health API the application's Boot has (Boot 4
 * moved it to {@code org.springframework.boot.health}); off with {@code
 * management.health.farcall.enabled=false}.
 */
@AutoConfiguration(after = FarcallAutoConfiguration.class)
@ConditionalOnBean(Farcall.class)
@ConditionalOnProperty(
    prefix = "management.health.farcall",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
public class FarcallHealthConfiguration {
  private static final String BOOT4 = "org.springframework.boot.health.contributor.HealthIndicator";
  private static final String BOOT3 = "org.springframework.boot.actuate.health.HealthIndicator";

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = BOOT4)
  static class Boot4 {
    @Bean
    io.farcall.spring.boot.health.FarcallHealthIndicator farcallHealthIndicator(Farcall farcall) {
      return new io.farcall.spring.boot.health.FarcallHealthIndicator(farcall);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = BOOT3)
  @ConditionalOnMissingClass(BOOT4)
  static class Boot3 {
    @Bean
    io.farcall.spring.boot.actuate.FarcallHealthIndicator farcallHealthIndicator(Farcall farcall) {
      return new io.farcall.spring.boot.actuate.FarcallHealthIndicator(farcall);
    }
  }
}
