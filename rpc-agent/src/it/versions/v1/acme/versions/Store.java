package acme.versions;

import io.farcall.Remote;

/** Version 1 of the store both builds share the name of. */
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
}
