package acme.faults;

import io.farcall.Idempotent;
import io.farcall.Remote;

/**
 * The service the fault-injection scenarios load. Every call carries a token unique to that call;
 * the provider records each execution of it (see {@link ExecutionLog}), so a call that ran twice
 * shows.
 */
@Remote
public interface Ledger {
  /** Safe to run twice: Farcall may retry it on another provider. Returns the provider's name. */
  @Idempotent
  String read(String token, int workMillis);

  /** Not safe to run twice: never retried once it may have reached a provider. */
  String write(String token, int workMillis);
}
