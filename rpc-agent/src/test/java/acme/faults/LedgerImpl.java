package acme.faults;

import io.farcall.Export;

/** Records every execution before doing its "work" (a sleep), then names this provider. */
@Export
public class LedgerImpl implements Ledger {
  private final String name = ExecutionLog.appName();

  @Override
  public String read(String token, int workMillis) {
    return run(token, workMillis);
  }

  @Override
  public String write(String token, int workMillis) {
    return run(token, workMillis);
  }

  private String run(String token, int workMillis) {
    ExecutionLog.get().record(token, name);
    if (workMillis > 0) {
      try {
        Thread.sleep(workMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return name;
  }
}
