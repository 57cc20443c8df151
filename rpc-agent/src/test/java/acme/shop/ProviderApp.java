package acme.shop;

/**
 * An application that knows nothing of Farcall's runtime: it builds an {@code @Export} object with
 * {@code new}, prints READY and runs until its standard input closes.
 */
public final class ProviderApp {
  private ProviderApp() {}

  public static void main(String[] args) throws Exception {
    Inventory inventory = new InventoryImpl();
    System.out.println("READY " + inventory.whoAmI());
    System.out.flush();
    while (System.in.read() >= 0) {
      // serve until the test closes our input
    }
  }
}
