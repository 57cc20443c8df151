package acme.traced;

import io.farcall.Remote;
import java.util.concurrent.CompletableFuture;

/** A service that says which caller and tenant its calls carried. */
@Remote
public interface Ledger {
  /** "caller/tenant" as the served call's metadata has them. */
  String whoCalls();

  CompletableFuture<String> whoCallsLater();
}
