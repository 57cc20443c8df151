package acme.versions;

public class OutOfStock extends Exception {
  private static final long serialVersionUID = 1L;
  public int left;

  public OutOfStock(String message) {
    super(message);
  }
}
