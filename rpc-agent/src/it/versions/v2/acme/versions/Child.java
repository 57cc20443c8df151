package acme.versions;

public class Child extends Base {
  public String name;
}
