package acme.versions;

/** Version 2: fields reordered, one added, one of a type version 1 does not have at all. */
public class Item {
  public String note;
  public int qty;
  public String sku;
  public Note extra;

  @Override
  public String toString() {
    return sku + "/" + qty + "/" + note;
  }
}
