package acme.otel;

/**
 * Exports {@link StockImpl} and {@link PricesImpl}, prints READY and serves until its standard
 * input closes. Compiled against the annotations alone: no OpenTelemetry on its class path.
 */
public final class WarehouseProvider {
  private WarehouseProvider() {}

  public static void main(String[] args) throws Exception {
    new PricesImpl();
    new StockImpl();
    System.out.println("READY");
    System.out.flush();
    while (System.in.read() >= 0) {
      // serve until the test closes our input
    }
  }
}
