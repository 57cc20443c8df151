package acme.versions;

public class Changed {
  public int qty;
}
