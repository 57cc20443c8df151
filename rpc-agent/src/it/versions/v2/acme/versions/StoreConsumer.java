package acme.versions;

import io.farcall.RemoteRef;

/** Makes every call of the version matrix and prints one line per call: its result or error. */
public final class StoreConsumer {
  @RemoteRef Store store;

  public static void main(String[] args) {
    new StoreConsumer().run();
    System.out.println("DONE");
  }

  private void run() {
    line("get", () -> store.get("s1"));
    Item item = new Item();
    item.sku = "s2";
    item.qty = 3;
    item.note = "fragile";
    line("put", () -> store.put(item));
    line("rec", () -> store.rec(new Rec("s3", 4, "r")));
    line("colorOf-B", () -> store.colorOf("B"));
    line("colorOf-X", () -> store.colorOf("X"));
    line("nameOf-B", () -> store.nameOf(Color.B));
    line("nameOf-X", () -> store.nameOf(Color.X));
    Wide wide = new Wide();
    wide.qty = 7;
    wide.ratio = 0.5f;
    line("wide", () -> store.wide(wide));
    line("big", () -> store.big());
    Changed changed = new Changed();
    changed.qty = "five";
    line("changed", () -> store.changed(changed).qty);
    Child child = new Child();
    child.name = "kid";
    line("child", () -> store.child(child).name);
    line("added", () -> store.added());
    line(
        "fail",
        () -> {
          store.fail("none left");
          return "no exception";
        });
  }

  private static void line(String call, java.util.concurrent.Callable<Object> c) {
    String result;
    try {
      result = String.valueOf(c.call());
    } catch (Exception e) {
      result = "error " + e.getClass().getName() + ": " + e.getMessage();
    }
    System.out.println(call + "=" + result);
  }
}
