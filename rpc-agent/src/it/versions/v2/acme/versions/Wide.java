package acme.versions;

public class Wide {
  public long qty;
  public double ratio;

  @Override
  public String toString() {
    return qty + "/" + ratio;
  }
}
