package io.farcall.runtime.internal.transport;

import io.farcall.runtime.internal.OptionFiles;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One runtime's TLS: the SSL contexts its connections are made with, from PEM files that are read
 * again every second, so that certificates rotate without a restart. Connections made after a
 * change was seen use the new files; open ones keep what they were made with. Files that do not
 * make a usable pair (half written, a key that is not the certificate's, an expired certificate)
 * leave the previous contexts in use, with one warning, until they change again.
 *
 * <p>TLS 1.3 only, through OpenSSL (BoringSSL, from netty-tcnative) where it loads and the JDK's
 * TLS otherwise. Thread-safe.
 */
public final class Tls {
  private static final Logger log = LogManager.getLogger(Tls.class);

  /** How often the runtime reads the files again to see whether they changed. */
  public static final long CHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final List<String> PROTOCOLS = List.of("TLSv1.3");

  /** How a runtime speaks TLS. */
  public enum Mode {
    /** Plaintext only. */
    OFF,
    /**
     * TLS only: a provider refuses plaintext, and a consumer calls no provider that does not
     * advertise TLS.
     */
    ON,
    /**
     * Both, while a fleet moves to TLS: a provider accepts TLS and plaintext on its port; a
     * consumer speaks TLS to providers that advertise it and plaintext to the others.
     */
    PERMISSIVE
  }

  /** What a provider asks of its consumers' certificates. */
  public enum Peers {
    /** Nothing: consumers need no certificate. */
    NONE,
    /** A certificate is verified if a consumer shows one. */
    OPTIONAL,
    /** Every consumer must show a certificate the trusted authorities signed (mutual TLS). */
    REQUIRE
  }

  /**
   * @param mode how the runtime speaks TLS; the rest is unused when it is {@link Mode#OFF}
   * @param certificate the PEM certificate chain this runtime shows, or null (a consumer without a
   *     client certificate)
   * @param key the PEM private key (PKCS#8) of {@code certificate}, or null with it
   * @param trusted the PEM certificates of the authorities this runtime trusts, or null for the
   *     JDK's default ones
   * @param peers what a provider asks of its consumers' certificates
   * @param verifyHostname whether a consumer checks that a provider's certificate names the host
   *     the provider registered
   */
  public record Config(
      Mode mode, Path certificate, Path key, Path trusted, Peers peers, boolean verifyHostname) {
    public static final Config OFF = new Config(Mode.OFF, null, null, null, Peers.NONE, true);

    public Config {
      if (mode != Mode.OFF) {
        if ((certificate == null) != (key == null)) {
          throw new IllegalArgumentException(
              certificate == null
                  ? "option 'tlscert': tlskey is set, but not the certificate it belongs to"
                  : "option 'tlskey': tlscert is set, but not its private key");
        }
        if (peers != Peers.NONE && trusted == null) {
          throw new IllegalArgumentException(
              "option 'tlsclientauth': "
                  + peers.name().toLowerCase(Locale.ROOT)
                  + " verifies consumers' certificates and needs the authorities to trust (tlsca)");
        }
      }
    }
  }

  /** What the files held when last read, and the contexts made from them. */
  private record Material(Contents contents, SslContext server, SslContext client) {}

  /** The bytes of the files; null entries for files not configured. */
  private record Contents(byte[] certificate, byte[] key, byte[] trusted) {
    boolean same(Contents o) {
      return Arrays.equals(certificate, o.certificate)
          && Arrays.equals(key, o.key)
          && Arrays.equals(trusted, o.trusted);
    }
  }

  private final Config config;
  private final SslProvider provider;
  private volatile Material material;

  /** Why the files could not be read at the last try, to warn once per reason; guarded by this. */
  private String unreadable;

  private Tls(Config config, SslProvider provider, Material material) {
    this.config = config;
    this.provider = provider;
    this.material = material;
  }

  /**
   * Reads the files and makes the contexts, or returns null when {@code config}'s mode is {@link
   * Mode#OFF}.
   *
   * @throws IllegalArgumentException naming the option whose file is missing or unusable
   */
  public static Tls start(Config config) {
    if (config.mode() == Mode.OFF) {
      return null;
    }
    SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    Material m = load(config, provider, read(config));
    Tls tls = new Tls(config, provider, m);
    if (provider == SslProvider.OPENSSL) {
      log.info("TLS {} through OpenSSL ({})", config.mode(), OpenSsl.versionString());
    } else {
      log.info(
          "TLS {} through the JDK's TLS: OpenSSL did not load ({})",
          config.mode(),
          String.valueOf(OpenSsl.unavailabilityCause()));
    }
    return tls;
  }

  public Mode mode() {
    return config.mode();
  }

  /**
   * The context a provider's connections are made with.
   *
   * @throws IllegalStateException if the runtime has no certificate (tlscert) to show
   */
  public SslContext server() {
    SslContext c = material.server();
    if (c == null) {
      throw new IllegalStateException(
          "option 'tlscert': a provider with tls=" + modeName() + " needs a certificate and key");
    }
    return c;
  }

  /** The context a consumer's connections are made with. */
  public SslContext client() {
    return material.client();
  }

  private String modeName() {
    return config.mode().name().toLowerCase(Locale.ROOT);
  }

  /**
   * Reads the files again and, if they changed and make a usable pair, makes new contexts for the
   * connections made from now on. The runtime calls it every {@link #CHECK_INTERVAL_NANOS}.
   */
  public synchronized void reloadIfChanged() {
    Material m = material;
    Contents contents;
    try {
      contents = read(config);
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().equals(unreadable)) {
        unreadable = e.getMessage();
        log.warn("TLS files not read again, the previous ones stay in use: {}", e.getMessage());
      }
      return;
    }
    unreadable = null;
    if (contents.same(m.contents())) {
      return;
    }
    try {
      m = load(config, provider, contents);
      log.info("TLS files changed; new connections use them{}", describe(contents));
    } catch (IllegalArgumentException e) {
      // Not again for the same bytes: the next change may complete them.
      m = new Material(contents, m.server(), m.client());
      log.warn(
          "TLS files changed but are not usable, the previous ones stay in use: {}",
          e.getMessage());
    }
    material = m;
  }

  private static String describe(Contents contents) {
    if (contents.certificate() == null) {
      return "";
    }
    X509Certificate leaf = certificates(contents.certificate(), "tlscert")[0];
    return " (certificate "
        + leaf.getSubjectX500Principal()
        + ", until "
        + leaf.getNotAfter()
        + ")";
  }

  private static Contents read(Config config) {
    return new Contents(
        bytes(config.certificate(), "tlscert"),
        bytes(config.key(), "tlskey"),
        bytes(config.trusted(), "tlsca"));
  }

  private static byte[] bytes(Path file, String option) {
    return file == null ? null : OptionFiles.read(file, option);
  }

  private static Material load(Config config, SslProvider provider, Contents contents) {
    X509Certificate[] chain = null;
    PrivateKey key = null;
    if (contents.certificate() != null) {
      chain = certificates(contents.certificate(), "tlscert");
      key = privateKey(contents.key());
      checkUsable(chain[0], key);
    }
    X509Certificate[] trusted =
        contents.trusted() == null ? null : certificates(contents.trusted(), "tlsca");
    try {
      SslContext server = null;
      if (chain != null) {
        SslContextBuilder b =
            SslContextBuilder.forServer(key, chain)
                .sslProvider(provider)
                .protocols(PROTOCOLS)
                .clientAuth(
                    switch (config.peers()) {
                      case NONE -> ClientAuth.NONE;
                      case OPTIONAL -> ClientAuth.OPTIONAL;
                      case REQUIRE -> ClientAuth.REQUIRE;
                    });
        if (trusted != null) {
          b.trustManager(trusted);
        }
        server = b.build();
      }
      SslContextBuilder c =
          SslContextBuilder.forClient()
              .sslProvider(provider)
              .protocols(PROTOCOLS)
              .endpointIdentificationAlgorithm(config.verifyHostname() ? "HTTPS" : null);
      if (trusted != null) {
        c.trustManager(trusted);
      }
      if (chain != null) {
        c.keyManager(key, chain);
      }
      return new Material(contents, server, c.build());
    } catch (SSLException e) {
      throw new IllegalArgumentException(
          "options 'tlscert', 'tlskey', 'tlsca': " + e.getMessage(), e);
    }
  }

  private static X509Certificate[] certificates(byte[] pem, String option) {
    try {
      X509Certificate[] certs =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem))
              .toArray(new X509Certificate[0]);
      if (certs.length == 0) {
        throw new IllegalArgumentException(
            "option '" + option + "': no PEM certificate in the file");
      }
      return certs;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "option '" + option + "': not PEM certificates: " + e.getMessage(), e);
    }
  }

  private static final Pattern PKCS8 =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

  private static PrivateKey privateKey(byte[] pem) {
    String text = new String(pem, StandardCharsets.US_ASCII);
    Matcher m = PKCS8.matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException(
          "option 'tlskey': no unencrypted PKCS#8 key (BEGIN PRIVATE KEY) in the file"
              + (text.contains("PRIVATE KEY-----")
                  ? "; convert it with: openssl pkcs8 -topk8 -nocrypt -in old.pem -out key.pem"
                  : ""));
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1)));
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // another algorithm's key
      }
    }
    throw new IllegalArgumentException(
        "option 'tlskey': not an RSA, EC or EdDSA private key this JDK can read");
  }

  /** Fails unless {@code key} belongs to {@code certificate} and the certificate is valid now. */
  private static void checkUsable(X509Certificate certificate, PrivateKey key) {
    Date now = new Date();
    if (certificate.getNotAfter().before(now)) {
      throw new IllegalArgumentException(
          "option 'tlscert': the certificate "
              + certificate.getSubjectX500Principal()
              + " expired on "
              + certificate.getNotAfter());
    }
    if (certificate.getNotBefore().after(now)) {
      throw new IllegalArgumentException(
          "option 'tlscert': the certificate "
              + certificate.getSubjectX500Principal()
              + " is not valid before "
              + certificate.getNotBefore());
    }
    byte[] probe = new byte[32];
    new SecureRandom().nextBytes(probe);
    try {
      String algorithm = signatureAlgorithm(key);
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(certificate.getPublicKey());
      verify.update(probe);
      if (verify.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      // a key of another type than the certificate's: no match
    }
    throw new IllegalArgumentException(
        "option 'tlskey': the key is not the private key of the certificate "
            + certificate.getSubjectX500Principal()
            + " (tlscert)");
  }

  private static String signatureAlgorithm(PrivateKey key) {
    return switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm(); // Ed25519, Ed448, EdDSA
    };
  }
}
