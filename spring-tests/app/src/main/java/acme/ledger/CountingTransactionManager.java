package acme.ledger;

import java.util.concurrent.atomic.AtomicLong;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

/** A transaction manager with no resource behind it: it counts the transactions committed. */
public class CountingTransactionManager extends AbstractPlatformTransactionManager {
  static final AtomicLong committed = new AtomicLong();

  @Override
  protected Object doGetTransaction() {
    return new Object();
  }

  @Override
  protected void doBegin(Object transaction, TransactionDefinition definition) {}

  @Override
  protected void doCommit(DefaultTransactionStatus status) {
    committed.incrementAndGet();
  }

  @Override
  protected void doRollback(DefaultTransactionStatus status) {}
}
