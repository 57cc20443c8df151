package acme.versions;

import io.farcall.Export;

@Export
public class StoreImpl implements Store {
  @Override
  public Item get(String sku) {
    Item item = new Item();
    item.sku = sku;
    item.qty = 7;
    return item;
  }

  @Override
  public String put(Item item) {
    return "v1 got " + item;
  }

  @Override
  public Rec rec(Rec rec) {
    return rec;
  }

  @Override
  public Color colorOf(String name) {
    return Color.valueOf(name);
  }

  @Override
  public String nameOf(Color color) {
    return color.name();
  }

  @Override
  public Wide wide(Wide wide) {
    return wide;
  }

  @Override
  public Wide big() {
    Wide w = new Wide();
    w.qty = Integer.MAX_VALUE;
    return w;
  }

  @Override
  public Changed changed(Changed changed) {
    return changed;
  }

  @Override
  public Child child(Child child) {
    return child;
  }

  @Override
  public void fail(String why) throws OutOfStock {
    OutOfStock e = new OutOfStock(why);
    e.left = 0;
    throw e;
  }
}
