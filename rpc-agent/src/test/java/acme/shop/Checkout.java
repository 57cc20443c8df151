package acme.shop;

import io.farcall.RemoteRef;

/** A consumer class: its fields hold stubs from construction on. */
public class Checkout {
  @RemoteRef static Inventory shared;

  @RemoteRef Inventory inventory;

  /** Read in the constructor body: the stub must already be there. */
  final String seenInConstructor;

  public Checkout() {
    this.seenInConstructor = inventory.whoAmI();
  }

  public String staticWhoAmI() {
    return shared.whoAmI();
  }
}
