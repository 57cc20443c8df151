package acme.versions;

public class Base {
  public int level;
}
