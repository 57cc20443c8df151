package acme.faults;

import io.farcall.Export;
import io.farcall.RemoteRef;

/**
 * B: records each call and the outcome of its nested call to C ({@code nested-ok} or {@code
 * nested-failed <exception type>}), so the test sees what B did after A's deadline.
 */
@Export
public class RelayImpl implements Relay {
  @RemoteRef Sink sink;

  @Override
  public long relay(String token, int delayMillis) {
    ExecutionLog.get().record(token, "started");
    try {
      Thread.sleep(delayMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      long remaining = sink.accept(token);
      ExecutionLog.get().record(token, "nested-ok");
      return remaining;
    } catch (RuntimeException e) {
      ExecutionLog.get().record(token, "nested-failed " + e.getClass().getName());
      throw e;
    }
  }
}
