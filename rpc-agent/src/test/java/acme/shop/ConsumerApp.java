package acme.shop;

import java.util.TreeSet;

/** Makes calls through {@code @RemoteRef} fields and prints what happened, one fact a line. */
public final class ConsumerApp {
  private ConsumerApp() {}

  public static void main(String[] args) throws Exception {
    Checkout checkout = new Checkout();
    System.out.println("constructor-saw=" + checkout.seenInConstructor);
    System.out.println("static-field=" + checkout.staticWhoAmI());
    TreeSet<String> providers = new TreeSet<>();
    for (int i = 0; i < 20; i++) {
      providers.add(checkout.inventory.whoAmI());
    }
    System.out.println("providers=" + String.join(",", providers));
    System.out.println("reserve=" + checkout.inventory.reserve("sku-1", 3));
    try {
      checkout.inventory.reserve("sku-2", 99);
      System.out.println("exception=none");
    } catch (OutOfStock e) {
      System.out.println("exception=" + e.getClass().getName() + ":" + e.sku());
    }
    System.out.println("DONE");
  }
}
