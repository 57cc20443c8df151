package io.farcall.bench.peer;

import io.farcall.runtime.testing.TestPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A certificate authority and a server certificate for 127.0.0.1, made for one TLS session, the
 * same for both TLS peers: EC P-256, as PEM files in a temporary directory.
 */
record TlsFiles(Path authority, Path certificate, Path key) {
  static TlsFiles create() {
    try {
      Path dir = Files.createTempDirectory("farcall-bench-tls");
      dir.toFile().deleteOnExit();
      TestPki ca = TestPki.authority(dir, "bench");
      TestPki.Issued server = ca.issue("server");
      for (Path p : new Path[] {ca.authorityFile(), server.certificate(), server.key()}) {
        p.toFile().deleteOnExit();
      }
      return new TlsFiles(ca.authorityFile(), server.certificate(), server.key());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
