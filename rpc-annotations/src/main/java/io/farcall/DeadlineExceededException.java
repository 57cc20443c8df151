package io.farcall;

/**
 * The call's deadline passed before a reply arrived. The provider may or may not have executed the
 * call; it has been told to cancel it.
 */
public class DeadlineExceededException extends RpcException {
  private static final long serialVersionUID = 1L;

  public DeadlineExceededException(String message) {
    super(message);
  }
}
