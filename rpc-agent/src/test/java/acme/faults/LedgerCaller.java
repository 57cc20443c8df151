package acme.faults;

import io.farcall.RemoteRef;

/**
 * A consumer application with the agent: makes {@code args[0]} idempotent calls, one after the
 * other, prints one line per call ({@code OK token provider} or {@code FAILED token exception}) and
 * {@code DONE ok=<n> failed=<n>}, and exits with status 0 only if every call succeeded.
 */
public final class LedgerCaller {
  @RemoteRef Ledger ledger;

  private LedgerCaller() {}

  public static void main(String[] args) {
    int calls = Integer.parseInt(args[0]);
    String prefix = ExecutionLog.appName();
    LedgerCaller caller = new LedgerCaller();
    int ok = 0;
    for (int i = 0; i < calls; i++) {
      String token = prefix + "-" + i;
      try {
        System.out.println("OK " + token + " " + caller.ledger.read(token, 0));
        ok++;
      } catch (RuntimeException e) {
        System.out.println("FAILED " + token + " " + e);
      }
    }
    System.out.println("DONE ok=" + ok + " failed=" + (calls - ok));
    System.out.flush();
    System.exit(ok == calls ? 0 : 1);
  }
}
