package acme.shop;

/** An application that uses no Farcall feature: the agent must leave it alone. */
public final class PlainApp {
  private PlainApp() {}

  public static void main(String[] args) {
    System.out.println("plain application ran");
  }
}
