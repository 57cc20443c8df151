package acme.traced;

import io.farcall.CurrentCall;
import io.farcall.Export;
import io.farcall.Metadata;
import java.util.concurrent.CompletableFuture;

/**
 * Reads the call's metadata through {@link CurrentCall}, compiled against the annotations alone.
 */
@Export
public class LedgerImpl implements Ledger {
  @Override
  public String whoCalls() {
    Metadata m = CurrentCall.metadata();
    return m.get("caller") + "/" + m.get("tenant");
  }

  @Override
  public CompletableFuture<String> whoCallsLater() {
    return CompletableFuture.completedFuture(whoCalls());
  }
}
