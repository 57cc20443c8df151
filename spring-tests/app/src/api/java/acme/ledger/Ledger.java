package acme.ledger;

import io.farcall.Remote;

/** The service of the Spring test application: a ledger whose bean Spring advises. */
@Remote
public interface Ledger {
  /**
   * Records {@code amount} under {@code token} in a transaction, through the bean's injected
   * collaborator; returns the name of the provider that recorded it.
   */
  String record(String token, long amount);

  /**
   * As {@link #record}, after holding the call for {@code millis}: a call still running when the
   * provider is told to stop.
   */
  String recordSlowly(String token, long millis);

  /** A cached square: the body runs once per distinct argument. */
  int square(int x);

  /** What the provider's advice and bodies have counted so far. */
  Stats stats();

  /** Counters kept by the provider. */
  record Stats(
      String provider,
      long aspectRuns,
      long transactionsCommitted,
      long recordBodies,
      long squareBodies) {}
}
