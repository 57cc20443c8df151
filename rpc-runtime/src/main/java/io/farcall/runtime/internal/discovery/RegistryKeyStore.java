package io.farcall.runtime.internal.discovery;

import io.farcall.runtime.internal.OptionFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The one PEM file of certificate chain and private key that ZooKeeper's client reads as its key
 * store, made from the two files Farcall takes: written once at start-up, readable by this user
 * only, deleted when the JVM exits.
 */
public final class RegistryKeyStore {
  private RegistryKeyStore() {}

  /**
   * @throws IllegalArgumentException naming the option whose file cannot be read
   */
  public static Path write(Path certificate, Path key) {
    String chain = OptionFiles.readString(certificate, "registrytlscert");
    String privateKey = OptionFiles.readString(key, "registrytlskey");
    if (!privateKey.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new IllegalArgumentException(
          "option 'registrytlskey': no unencrypted PKCS#8 key (BEGIN PRIVATE KEY) in " + key);
    }
    try {
      Path file;
      try {
        file =
            Files.createTempFile(
                "farcall-zk-",
                ".pem",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        file = Files.createTempFile("farcall-zk-", ".pem"); // not POSIX: the user's temp folder
      }
      file.toFile().deleteOnExit();
      Files.writeString(file, privateKey.strip() + "\n" + chain.strip() + "\n");
      return file;
    } catch (IOException e) {
      throw new IllegalStateException("cannot write ZooKeeper's key store: " + e, e);
    }
  }
}
