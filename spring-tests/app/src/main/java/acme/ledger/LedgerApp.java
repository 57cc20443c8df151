package acme.ledger;

import java.lang.management.ManagementFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;

/**
 * A Spring Boot application as users write one: run with the profile {@code provider} it serves
 * {@link Ledger}; with {@code consumer}, it calls it from {@link LedgerClient}.
 */
@SpringBootApplication
@EnableCaching
@EnableTransactionManagement
public class LedgerApp {
  public static void main(String[] args) {
    SpringApplication.run(LedgerApp.class, args);
  }

  @Bean
  PlatformTransactionManager transactionManager() {
    return new CountingTransactionManager();
  }

  /** The line tests wait for, with the JVM's uptime when the application became ready. */
  @EventListener(ApplicationReadyEvent.class)
  void ready() {
    System.out.println(
        "READY after " + ManagementFactory.getRuntimeMXBean().getUptime() + " ms");
  }
}
