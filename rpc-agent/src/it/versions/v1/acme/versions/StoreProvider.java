package acme.versions;

/** Builds the {@code @Export} store, says READY and serves until its standard input closes. */
public final class StoreProvider {
  private StoreProvider() {}

  public static void main(String[] args) throws Exception {
    new StoreImpl();
    System.out.println("READY " + System.getProperty("app.name"));
    System.out.flush();
    while (System.in.read() >= 0) {
      // serve until the test closes our input
    }
  }
}
