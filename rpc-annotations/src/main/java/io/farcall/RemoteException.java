package io.farcall;

/**
 * An exception thrown by the provider's code whose original type cannot be rebuilt on the caller's
 * side (unknown here, or not safe to instantiate). It names the remote type and message and carries
 * the provider's stack trace and cause chain.
 */
public class RemoteException extends RpcException {
  private static final long serialVersionUID = 1L;
  private final String remoteType;
  private final String remoteMessage;

  public RemoteException(String remoteType, String remoteMessage) {
    super(remoteType + (remoteMessage == null ? "" : ": " + remoteMessage));
    this.remoteType = remoteType;
    this.remoteMessage = remoteMessage;
  }

  /** The fully qualified class name of the exception thrown on the provider. */
  public String remoteType() {
    return remoteType;
  }

  /** The message of the exception thrown on the provider, possibly null. */
  public String remoteMessage() {
    return remoteMessage;
  }
}
