package acme.attacked;

/**
 * Records every throwable that ends a thread, builds the {@code @Export} target, says READY and
 * serves until its input closes.
 */
public final class TargetProvider {
  private TargetProvider() {}

  public static void main(String[] args) throws Exception {
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, e) -> {
          TargetImpl.UNCAUGHT.add(thread.getName() + ": " + e);
          System.out.println("UNCAUGHT in " + thread.getName() + ": " + e);
        });
    new TargetImpl();
    System.out.println("READY");
    System.out.flush();
    while (System.in.read() >= 0) {
      // serve until the test closes our input
    }
  }
}
