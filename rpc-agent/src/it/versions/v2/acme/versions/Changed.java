package acme.versions;

public class Changed {
  public String qty;
}
