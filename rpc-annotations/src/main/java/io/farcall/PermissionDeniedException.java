package io.farcall;

/**
 * The provider's authorization policy does not let this caller call this method: the call did not
 * run, and trying it again, here or on another provider of the same policy, fails the same way. It
 * names the service, the method and the identity the provider saw (the caller's certificate or
 * token, or {@value #ANONYMOUS} without either).
 */
public class PermissionDeniedException extends RpcException {
  private static final long serialVersionUID = 1L;

  /** The identity of a caller that showed neither a certificate nor a token. */
  public static final String ANONYMOUS = "anonymous";

  private final String service;
  private final String method;
  private final String identity;

  public PermissionDeniedException(String service, String method, String identity) {
    this(service, method, identity, null);
  }

  /**
   * @param where who refused, appended to the message, or null
   */
  public PermissionDeniedException(String service, String method, String identity, String where) {
    super(
        identity
            + " may not call "
            + service
            + "."
            + method
            + (where == null ? "" : " (" + where + ")"));
    this.service = service;
    this.method = method;
    this.identity = identity;
  }

  /** The service whose method was refused. */
  public String service() {
    return service;
  }

  /** The method refused, as its key: name and parameter types. */
  public String method() {
    return method;
  }

  /** Who the provider saw as the caller. */
  public String identity() {
    return identity;
  }
}
