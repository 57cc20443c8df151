package io.farcall.runtime.internal.discovery;

/**
 * How a registry authenticates to ZooKeeper and protects the nodes it writes.
 *
 * @param digest {@code user:password} for ZooKeeper's digest authentication, or null (ZooKeeper's
 *     own SASL, configured by a JAAS {@code Client} section, needs nothing here)
 * @param acls whether the nodes this registry creates, and the base path and service nodes it
 *     registers under, let only the identity that created them change them, and anyone read them
 * @param tls how the connection to ZooKeeper speaks TLS, or null for plaintext
 */
public record RegistrySecurity(String digest, boolean acls, Tls tls) {
  public static final RegistrySecurity NONE = new RegistrySecurity(null, false, null);

  /**
   * ZooKeeper's own client TLS, as its PEM files say.
   *
   * @param keyStore one PEM file of this client's certificate chain and private key, or null for
   *     none (a server that asks no client certificate)
   * @param trusted the PEM file of the authorities trusted to sign ZooKeeper's certificate, or null
   *     for the JDK's
   */
  public record Tls(java.nio.file.Path keyStore, java.nio.file.Path trusted) {}

  /** Without TLS to ZooKeeper. */
  public RegistrySecurity(String digest, boolean acls) {
    this(digest, acls, null);
  }

  public RegistrySecurity {
    if (digest != null && (digest.indexOf(':') <= 0 || digest.endsWith(":"))) {
      throw new IllegalArgumentException(
          "option 'registrydigest': the file must hold user:password");
    }
  }

  @Override
  public String toString() {
    return "RegistrySecurity[digest="
        + (digest == null ? "none" : "user " + user())
        + ", acls="
        + acls
        + "]";
  }

  /** The digest user, or null. */
  public String user() {
    return digest == null ? null : digest.substring(0, digest.indexOf(':'));
  }
}
