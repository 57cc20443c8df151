package acme.bad;

public final class BadRefApp {
  private BadRefApp() {}

  public static void main(String[] args) {
    try {
      new Wrong();
      System.out.println("constructed");
    } catch (RuntimeException e) {
      System.out.println("error=" + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}
