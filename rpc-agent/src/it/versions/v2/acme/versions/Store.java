package acme.versions;

import io.farcall.Remote;

/** Version 2 of the store: one method more. */
@Remote
public interface Store {
  Item get(String sku);

  String put(Item item);

  Rec rec(Rec rec);

  Color colorOf(String name);

  String nameOf(Color color);

  Wide wide(Wide wide);

  Wide big();

  Changed changed(Changed changed);

  Child child(Child child);

  void fail(String why) throws OutOfStock;

  String added();
}
