package io.farcall.runtime.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made by a test, and the certificates it signs, written as the PEM files
 * Farcall reads: EC P-256 keys, certificates for both server and client use, naming 127.0.0.1 and
 * localhost unless told otherwise.
 */
public final class TestPki {
  private static final AtomicLong serials = new AtomicLong(System.currentTimeMillis());

  private final String name;
  private final Path dir;
  private final KeyPair keys;
  private final X509Certificate certificate;

  /** A certificate and its key, as files. */
  public record Issued(Path certificate, Path key, X509Certificate x509) {}

  private TestPki(String name, Path dir, KeyPair keys, X509Certificate certificate) {
    this.name = name;
    this.dir = dir;
    this.keys = keys;
    this.certificate = certificate;
  }

  /** A new authority named {@code name}, its files under {@code dir}. */
  public static TestPki authority(Path dir, String name) {
    KeyPair keys = keyPair();
    X500Name subject = new X500Name("CN=" + name);
    Instant now = Instant.now();
    try {
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              subject,
              BigInteger.valueOf(serials.incrementAndGet()),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(Duration.ofDays(30))),
              subject,
              keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate cert = signed(b, keys);
      TestPki ca = new TestPki(name, dir, keys, cert);
      write(ca.authorityFile(), pem(cert));
      return ca;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The PEM file of this authority's certificate: what peers that trust it are given. */
  public Path authorityFile() {
    return dir.resolve(name + "-ca.pem");
  }

  /** A certificate for {@code commonName}, valid from five minutes ago for a day. */
  public Issued issue(String commonName) {
    Instant now = Instant.now();
    return issue(commonName, now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(1)), null);
  }

  /** A certificate for {@code commonName} whose validity ended an hour ago. */
  public Issued issueExpired(String commonName) {
    Instant now = Instant.now();
    return issue(commonName, now.minus(Duration.ofDays(2)), now.minus(Duration.ofHours(1)), null);
  }

  /**
   * A certificate for {@code commonName}, valid from {@code from} to {@code until}, naming
   * 127.0.0.1 and localhost, and {@code uri} too if given (an identity such as {@code
   * spiffe://farcall/orders}); its files are {@code <commonName>-<serial>.pem} and {@code -key.pem}
   * under the authority's directory.
   */
  public Issued issue(String commonName, Instant from, Instant until, String uri) {
    KeyPair pair = keyPair();
    long serial = serials.incrementAndGet();
    try {
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              certificate,
              BigInteger.valueOf(serial),
              Date.from(from),
              Date.from(until),
              new X500Name("CN=" + commonName),
              pair.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      List<GeneralName> names = new ArrayList<>();
      names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
      names.add(new GeneralName(GeneralName.dNSName, "localhost"));
      if (uri != null) {
        names.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
      }
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(names.toArray(new GeneralName[0])));
      b.addExtension(
          Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
      X509Certificate cert = signed(b, keys);
      String base = commonName.replaceAll("[^A-Za-z0-9.-]", "_") + "-" + serial;
      Path certFile = dir.resolve(base + ".pem");
      Path keyFile = dir.resolve(base + "-key.pem");
      write(certFile, pem(cert));
      write(keyFile, pkcs8(pair));
      return new Issued(certFile, keyFile, cert);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate signed(X509v3CertificateBuilder b, KeyPair signer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(X509Certificate cert) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(cert);
    }
    return out.toString();
  }

  /** The key as unencrypted PKCS#8, which is how the JDK encodes a private key. */
  private static String pkcs8(KeyPair pair) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'})
            .encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
