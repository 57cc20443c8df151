package acme.traced;

/** Exports a {@link LedgerImpl}, prints READY and serves until its standard input closes. */
public final class LedgerProvider {
  private LedgerProvider() {}

  public static void main(String[] args) throws Exception {
    new LedgerImpl();
    System.out.println("READY");
    System.out.flush();
    while (System.in.read() >= 0) {
      // serve until the test closes our input
    }
  }
}
