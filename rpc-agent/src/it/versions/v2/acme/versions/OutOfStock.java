package acme.versions;

public class OutOfStock extends Exception {
  private static final long serialVersionUID = 1L;
  public String left;

  public OutOfStock(String message) {
    super(message);
  }
}
