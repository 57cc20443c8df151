package acme.versions;

public class Item {
  public String sku;
  public int qty;

  @Override
  public String toString() {
    return sku + "/" + qty;
  }
}
