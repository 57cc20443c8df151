package io.farcall;

/**
 * The connection to a provider could not be established or broke. {@link #isRetryable()} tells
 * whether the request had not yet been written when that happened.
 */
public class ConnectionFailedException extends RpcException {
  private static final long serialVersionUID = 1L;
  private final boolean requestWritten;

  public ConnectionFailedException(String message, boolean requestWritten, Throwable cause) {
    super(message, cause);
    this.requestWritten = requestWritten;
  }

  /** Whether the request may have reached the provider before the connection failed. */
  public boolean requestWritten() {
    return requestWritten;
  }

  @Override
  public boolean isRetryable() {
    return !requestWritten;
  }
}
