package io.farcall.demo.api;

/**
 * The calculator refused an operation, as the {@code InvalidOperation} of the classic Thrift
 * tutorial: it names the operation and says why. Declared by {@link Calculator#divide}, so it
 * reaches the caller as itself, fields included.
 */
public class InvalidOperation extends Exception {
  private static final long serialVersionUID = 1L;

  private final Operation op;
  private final String why;

  public InvalidOperation(Operation op, String why) {
    super(op + ": " + why);
    this.op = op;
    this.why = why;
  }

  public Operation op() {
    return op;
  }

  public String why() {
    return why;
  }
}
