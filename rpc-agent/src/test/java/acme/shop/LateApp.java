package acme.shop;

import java.io.BufferedReader;
import java.io.InputStreamReader;

/**
 * Runs before any agent is attached: says WAITING, and when a line arrives on its input, builds a
 * provider and a consumer (classes it loads only then) and makes a call.
 */
public final class LateApp {
  private LateApp() {}

  public static void main(String[] args) throws Exception {
    System.out.println("WAITING");
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in)).readLine();
    new InventoryImpl();
    System.out.println("late-call=" + new Checkout().inventory.reserve("late", 1));
  }
}
