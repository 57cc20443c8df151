package acme.shop;

import java.util.Map;
import java.util.TreeMap;

/**
 * Makes 40 calls whose argument is a secret, and prints who answered them and whether each answer
 * was the right one: what a poisoned registry would change.
 */
public final class SecretsConsumerApp {
  private SecretsConsumerApp() {}

  public static void main(String[] args) {
    Checkout checkout = new Checkout();
    Map<String, Integer> answeredBy = new TreeMap<>();
    int wrong = 0;
    int failed = 0;
    for (int i = 0; i < 40; i++) {
      try {
        if (checkout.inventory.reserve("secret-sku-" + i, 1) != 9) {
          wrong++;
        }
        answeredBy.merge(checkout.inventory.whoAmI(), 1, Integer::sum);
      } catch (RuntimeException | OutOfStock e) {
        failed++;
        System.out.println("failure=" + e);
      }
    }
    System.out.println("answered-by=" + answeredBy);
    System.out.println("wrong=" + wrong);
    System.out.println("failed=" + failed);
    System.out.println("DONE");
  }
}
