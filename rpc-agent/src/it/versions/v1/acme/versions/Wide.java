package acme.versions;

public class Wide {
  public int qty;
  public float ratio;

  @Override
  public String toString() {
    return qty + "/" + ratio;
  }
}
