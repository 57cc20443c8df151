package acme.ledger;

import io.farcall.RemoteRef;
import jakarta.annotation.PostConstruct;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * A consumer bean, as the starter runs it: the stub injected by its constructor, called there, and
 * a {@code @RemoteRef} field called from {@code @PostConstruct}.
 */
@Component
@Profile("consumer")
public class LedgerClient {
  @RemoteRef private Ledger viaField;

  public LedgerClient(Ledger ledger) {
    System.out.println("CONSTRUCTOR square(12)=" + ledger.square(12));
  }

  @PostConstruct
  void start() {
    System.out.println("POSTCONSTRUCT record=" + viaField.record("client-start", 1));
  }
}
