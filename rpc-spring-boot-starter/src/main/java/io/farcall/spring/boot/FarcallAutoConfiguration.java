package io.farcall.spring.boot;

import io.farcall.runtime.Farcall;
import io.farcall.runtime.FarcallSettings;
import java.util.Arrays;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Farcall in a Spring Boot application, as a library: a {@link Farcall} bean built from the {@code
 * farcall.*} properties (then every {@link FarcallCustomizer}), with the application's Micrometer
 * registry if it has one, {@code @Export} beans exported when the application accepts traffic
 * ({@link FarcallExports}), a stub bean for each {@code @Remote} interface found ({@link
 * RemoteStubRegistrar}), {@code @RemoteRef} fields filled ({@link RemoteRefInjector}), and an
 * Actuator health indicator when Actuator is present.
 *
 * <p>With the Farcall agent attached, the {@code Farcall} bean is the agent's own runtime (not
 * closed by the context: the agent closes it), and exporting is left to the agent, which exports
 * the same beans at the same moments: nothing is exported twice.
 */
@AutoConfiguration
@ConditionalOnClass(Farcall.class)
@ConditionalOnProperty(
    prefix = FarcallProperties.PREFIX,
    name = FarcallProperties.ENABLED,
    havingValue = "true",
    matchIfMissing = true)
public class FarcallAutoConfiguration {
  private static final Logger log = LogManager.getLogger(FarcallAutoConfiguration.class);

  @Bean
  static RemoteStubRegistrar farcallRemoteStubRegistrar() {
    return new RemoteStubRegistrar();
  }

  @Bean
  static RemoteRefInjector farcallRemoteRefInjector(ConfigurableListableBeanFactory beanFactory) {
    return new RemoteRefInjector(beanFactory);
  }

  /** Without the agent: the application's own runtime, closed with the context. */
  @Configuration(proxyBeanMethods = false)
  @Conditional(AgentAbsent.class)
  static class LibraryRuntime {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    Farcall farcall(
        Environment environment,
        ObjectProvider<LoggingSystem> logging,
        ObjectProvider<FarcallCustomizer> customizers) {
      Map<String, String> properties = FarcallProperties.read(environment);
      FarcallSettings.Builder builder = FarcallProperties.builder(properties);
      customizers.orderedStream().forEach(c -> c.customize(builder));
      FarcallSettings settings = builder.settings();
      String level = FarcallProperties.logLevel(properties);
      if (level != null) {
        setLogLevel(level, logging.getIfAvailable());
      }
      Farcall farcall = Farcall.start(settings);
      log.info("Farcall started: {}", settings);
      return farcall;
    }

    @Bean
    FarcallExports farcallExports(ObjectProvider<Farcall> farcall) {
      return new FarcallExports(farcall);
    }
  }

  /**
   * Farcall's meters in the application's Micrometer registry (Actuator's, say), so that they are
   * published wherever it publishes.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
  @Conditional(AgentAbsent.class)
  static class Metrics {
    @Bean
    FarcallCustomizer farcallMeterRegistry(
        ObjectProvider<io.micrometer.core.instrument.MeterRegistry> registry) {
      return builder -> registry.ifAvailable(builder::meterRegistry);
    }
  }

  /**
   * Calls traced with the application's {@code OpenTelemetry} bean, when it has one (Spring Boot's
   * OpenTelemetry auto-configuration makes one); without it, the global OpenTelemetry, or the
   * OpenTelemetry Java agent's.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.opentelemetry.api.OpenTelemetry")
  @Conditional(AgentAbsent.class)
  static class Tracing {
    @Bean
    FarcallCustomizer farcallOpenTelemetry(
        ObjectProvider<io.opentelemetry.api.OpenTelemetry> openTelemetry) {
      return builder -> openTelemetry.ifAvailable(builder::openTelemetry);
    }
  }

  /** With the agent: its runtime, which the agent closes; the agent exports. */
  @Configuration(proxyBeanMethods = false)
  @Conditional(AgentPresent.class)
  static class AgentRuntime {
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    Farcall farcall(Environment environment) {
      Map<String, String> properties = FarcallProperties.read(environment);
      properties.remove(FarcallProperties.ENABLED);
      // The agent reads farcall.* system properties itself; only the others go unused.
      properties
          .keySet()
          .removeIf(k -> System.getProperty(FarcallProperties.PREFIX + "." + k) != null);
      if (!properties.isEmpty()) {
        log.warn(
            "The Farcall agent is attached: its options apply, and the Spring properties {} are"
                + " not used",
            properties.keySet().stream().map(k -> FarcallProperties.PREFIX + "." + k).toList());
      }
      log.info("The Farcall agent is attached: using its runtime, and leaving exports to it");
      return Farcall.agent().orElseThrow();
    }
  }

  private static void setLogLevel(String level, LoggingSystem logging) {
    LogLevel parsed;
    try {
      parsed = LogLevel.valueOf(level);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Spring property 'farcall.loglevel': '"
              + level
              + "' is not a level; use one of "
              + Arrays.toString(LogLevel.values()),
          e);
    }
    if (logging != null) {
      logging.setLogLevel("io.farcall", parsed);
    }
  }

  static final class AgentPresent implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return Farcall.agentAttached();
    }
  }

  static final class AgentAbsent implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return !Farcall.agentAttached();
    }
  }
}
