package acme.faults;

import io.farcall.Remote;

/** C in A -> B -> C. */
@Remote
public interface Sink {
  /** Records the call and returns the time it had left when it started, in microseconds. */
  long accept(String token);

  /** Records the call and keeps this provider's thread for {@code millis}. */
  void hold(String token, int millis);
}
