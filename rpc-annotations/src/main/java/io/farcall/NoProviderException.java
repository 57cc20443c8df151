package io.farcall;

/** No live provider of the service is registered, or none could be reached. */
public class NoProviderException extends RpcException {
  private static final long serialVersionUID = 1L;
  private final String service;

  public NoProviderException(String service, String message) {
    super(message);
    this.service = service;
  }

  /** The name of the service that has no provider. */
  public String service() {
    return service;
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
