package acme.plain;

import acme.ledger.CountingAspect;
import acme.ledger.CountingTransactionManager;
import acme.ledger.Journal;
import acme.ledger.LedgerService;
import java.lang.management.ManagementFactory;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.EnableAspectJAutoProxy;
import org.springframework.context.annotation.Import;
import org.springframework.context.support.PropertySourcesPlaceholderConfigurer;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;

/**
 * The same provider beans in a plain Spring {@code ApplicationContext}, without Spring Boot: ready
 * when its refresh is done, closed by its shutdown hook.
 */
public final class PlainLedgerMain {
  private PlainLedgerMain() {}

  @Configuration
  @EnableAspectJAutoProxy
  @EnableCaching
  @EnableTransactionManagement
  @Import({LedgerService.class, Journal.class, CountingAspect.class})
  static class Config {
    @Bean
    static PropertySourcesPlaceholderConfigurer placeholders() {
      return new PropertySourcesPlaceholderConfigurer();
    }

    @Bean
    PlatformTransactionManager transactionManager() {
      return new CountingTransactionManager();
    }

    @Bean
    CacheManager cacheManager() {
      return new ConcurrentMapCacheManager("squares");
    }
  }

  public static void main(String[] args) throws Exception {
    AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
    context.getEnvironment().setActiveProfiles("provider");
    context.register(Config.class);
    context.registerShutdownHook();
    context.refresh();
    System.out.println("READY after " + ManagementFactory.getRuntimeMXBean().getUptime() + " ms");
    Thread.currentThread().join(); // until the shutdown hook closes the context and the JVM ends
  }
}
