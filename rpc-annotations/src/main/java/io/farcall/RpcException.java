package io.farcall;

/**
 * The root of every failure that Farcall itself reports to a caller. Application exceptions thrown
 * by a provider are not wrapped in it: they are rethrown as their own type.
 *
 * <p>{@link #isRetryable()} tells whether the same call may safely be tried again, on this or
 * another provider, because the provider certainly did not execute it.
 */
public class RpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RpcException(String message) {
    super(message);
  }

  public RpcException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether the failed call certainly did not run on a provider, so that trying it again cannot
   * execute it twice.
   */
  public boolean isRetryable() {
    return false;
  }
}
