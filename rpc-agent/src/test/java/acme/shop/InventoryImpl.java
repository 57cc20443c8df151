package acme.shop;

import io.farcall.Export;

/** Exported by the agent as soon as it is constructed. */
@Export
public class InventoryImpl implements Inventory {
  private final String name;

  public InventoryImpl() {
    this.name = System.getProperty("app.name", "provider-" + ProcessHandle.current().pid());
  }

  @Override
  public int reserve(String sku, int qty) throws OutOfStock {
    if (qty > 10) {
      throw new OutOfStock(sku);
    }
    return 10 - qty;
  }

  @Override
  public String whoAmI() {
    return name;
  }
}
