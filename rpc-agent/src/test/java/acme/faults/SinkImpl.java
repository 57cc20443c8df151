package acme.faults;

import io.farcall.Export;

/** C: records each call with the time it had left when it started ({@code remaining-us <n>}). */
@Export
public class SinkImpl implements Sink {
  @Override
  public long accept(String token) {
    long remainingMicros = RemainingTime.micros();
    ExecutionLog.get().record(token, "remaining-us " + remainingMicros);
    return remainingMicros;
  }

  @Override
  public void hold(String token, int millis) {
    ExecutionLog.get().record(token, "remaining-us " + RemainingTime.micros());
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
