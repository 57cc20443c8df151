package acme.ledger;

import jakarta.annotation.PreDestroy;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/** What {@link LedgerService} records into: injected after its constructor. */
@Component
public class Journal {
  private final ConcurrentHashMap<String, AtomicLong> totals = new ConcurrentHashMap<>();
  private volatile boolean closed;

  void append(String token, long amount) {
    if (closed) {
      throw new IllegalStateException("the journal is closed: the context destroyed it");
    }
    totals.computeIfAbsent(token, t -> new AtomicLong()).addAndGet(amount);
  }

  /** When the context is destroyed: a call that came after this would fail. */
  @PreDestroy
  void close() {
    closed = true;
    System.out.println("JOURNAL CLOSED");
  }
}
