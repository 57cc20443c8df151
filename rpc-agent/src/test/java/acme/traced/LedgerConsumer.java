package acme.traced;

import io.farcall.RemoteRef;
import java.util.concurrent.TimeUnit;

/** Calls the ledger synchronously and asynchronously and prints what it said. */
public final class LedgerConsumer {
  @RemoteRef Ledger ledger;

  public static void main(String[] args) throws Exception {
    Ledger ledger = new LedgerConsumer().ledger;
    System.out.println("sync=" + ledger.whoCalls());
    System.out.println("async=" + ledger.whoCallsLater().get(10, TimeUnit.SECONDS));
    System.out.println("DONE");
  }
}
