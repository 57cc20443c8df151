package acme.faults;

/**
 * A provider as an application with the agent is one: it builds its {@code @Export} object, prints
 * {@code READY <name>} and serves until its standard input closes or it is signalled.
 */
public final class LedgerProvider {
  private LedgerProvider() {}

  public static void main(String[] args) throws Exception {
    new LedgerImpl();
    System.out.println("READY " + ExecutionLog.appName());
    System.out.flush();
    while (System.in.read() >= 0) {
      // serve until the test closes our input
    }
    System.out.println("INPUT ENDED");
  }
}
