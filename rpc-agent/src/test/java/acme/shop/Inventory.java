package acme.shop;

import io.farcall.Remote;

/** The service the agent tests' applications share. */
@Remote
public interface Inventory {
  int reserve(String sku, int qty) throws OutOfStock;

  /** Which provider process answered. */
  String whoAmI();
}
