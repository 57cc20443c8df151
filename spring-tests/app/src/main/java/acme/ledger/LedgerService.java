package acme.ledger;

import io.farcall.Export;
import jakarta.annotation.PostConstruct;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The exported bean. Its methods need what Spring gives it after its constructor: the injected
 * {@link Journal}, the transaction {@code @Transactional} opens, the cache of {@code @Cacheable}, a
 * warm-up in {@code @PostConstruct}. A call that reached it before, or past its proxy, fails.
 */
@Service
@Export
@Profile("provider")
public class LedgerService implements Ledger {
  static final AtomicLong recordBodies = new AtomicLong();
  static final AtomicLong squareBodies = new AtomicLong();

  @Autowired private Journal journal;

  @Value("${ledger.name:ledger}")
  private String name;

  @Value("${ledger.warmup-ms:0}")
  private long warmupMillis;

  private volatile boolean warm;

  /** Start-up work (a cache filled from a database, say) that calls must not overtake. */
  @PostConstruct
  void warmUp() throws InterruptedException {
    Thread.sleep(warmupMillis);
    warm = true;
  }

  @Override
  @Transactional
  public String record(String token, long amount) {
    if (!warm) {
      throw new IllegalStateException("called before the bean finished starting");
    }
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException("called without its transaction");
    }
    recordBodies.incrementAndGet();
    journal.append(token, amount);
    return name;
  }

  @Override
  @Transactional
  public String recordSlowly(String token, long millis) {
    System.out.println("SLOW CALL RUNNING");
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    return record(token, 0);
  }

  @Override
  @Cacheable("squares")
  public int square(int x) {
    squareBodies.incrementAndGet();
    return x * x;
  }

  @Override
  public Stats stats() {
    return new Stats(
        name,
        CountingAspect.runs.get(),
        CountingTransactionManager.committed.get(),
        recordBodies.get(),
        squareBodies.get());
  }
}
