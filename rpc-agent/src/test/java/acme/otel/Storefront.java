package acme.otel;

import io.farcall.RemoteRef;

/**
 * Handles one request, {@link #handle}, which calls {@link Stock} twice; the OpenTelemetry agent
 * makes a span of {@code handle} when the test names it in {@code
 * otel.instrumentation.methods.include}. Prints what the last provider was served with.
 */
public final class Storefront {
  @RemoteRef Stock stock;

  public static void main(String[] args) {
    new Storefront().handle();
    System.out.println("DONE");
  }

  public void handle() {
    System.out.println("traceparent=" + stock.check("traceparent"));
    try {
      stock.broken();
      System.out.println("broken=returned");
    } catch (IllegalStateException e) {
      System.out.println("broken=" + e.getMessage());
    }
  }
}
