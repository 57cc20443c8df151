package acme.ledger;

import io.farcall.RemoteRef;
import jakarta.annotation.PostConstruct;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/** A consumer bean that calls the ledger from its constructor and from {@code @PostConstruct}. */
@Component
@Profile("consumer")
public class LedgerClient {
  @RemoteRef private Ledger ledger;

  public LedgerClient() {
    System.out.println("CONSTRUCTOR square(12)=" + ledger.square(12));
  }

  @PostConstruct
  void start() {
    System.out.println("POSTCONSTRUCT record=" + ledger.record("client-start", 1));
  }
}
