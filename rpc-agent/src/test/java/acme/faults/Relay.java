package acme.faults;

import io.farcall.Remote;

/** B in A -> B -> C: waits, then calls C with whatever remains of A's deadline. */
@Remote
public interface Relay {
  /**
   * Sleeps {@code delayMillis}, then calls {@link Sink#accept}; returns what C saw: the remaining
   * time of the call, in microseconds.
   */
  long relay(String token, int delayMillis);
}
