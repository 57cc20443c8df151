package acme.faults;

/**
 * B or C of the nested scenario: {@code relay} builds a {@link RelayImpl}, {@code sink} a {@link
 * SinkImpl}; prints {@code READY <name>} and serves until its standard input closes.
 */
public final class NestedProvider {
  private NestedProvider() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "relay" -> new RelayImpl();
      case "sink" -> new SinkImpl();
      default -> throw new IllegalArgumentException("relay or sink, not " + args[0]);
    }
    System.out.println("READY " + ExecutionLog.appName());
    System.out.flush();
    while (System.in.read() >= 0) {
      // serve until the test closes our input
    }
  }
}
