package io.farcall;

/**
 * The provider refused the call without executing it, because it is overloaded or shutting down.
 * Always retryable.
 */
public class ProviderUnavailableException extends RpcException {
  private static final long serialVersionUID = 1L;

  /** Why the provider refused the call. */
  public enum Reason {
    /** The provider's executor and its queue were full. */
    OVERLOADED,
    /** The provider is shutting down and accepts no new calls. */
    SHUTTING_DOWN
  }

  private final Reason reason;

  public ProviderUnavailableException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
