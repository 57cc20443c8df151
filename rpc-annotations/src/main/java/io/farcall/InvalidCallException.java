package io.farcall;

/**
 * The provider could not accept the call as sent: unknown service or method, a body it may not or
 * cannot decode, or a malformed message. The call did not run. Retrying it unchanged will fail the
 * same way.
 */
public class InvalidCallException extends RpcException {
  private static final long serialVersionUID = 1L;

  public InvalidCallException(String message) {
    super(message);
  }
}
