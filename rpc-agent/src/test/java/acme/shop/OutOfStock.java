package acme.shop;

/** A declared checked exception with a field of its own. */
public class OutOfStock extends Exception {
  private static final long serialVersionUID = 1L;
  private final String sku;

  public OutOfStock(String sku) {
    super("out of stock: " + sku);
    this.sku = sku;
  }

  public String sku() {
    return sku;
  }
}
