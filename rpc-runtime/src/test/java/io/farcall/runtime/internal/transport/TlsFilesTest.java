package io.farcall.runtime.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.runtime.testing.LogCapture;
import io.farcall.runtime.testing.TestPki;
import io.farcall.runtime.testing.TestPki.Issued;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Tls} reading its PEM files again when they change. */
class TlsFilesTest {
  @TempDir Path dir;

  @Test
  void changedFilesMakeNewContextsAndUnusableOnesKeepThePrevious() throws Exception {
    TestPki ca = TestPki.authority(dir, "ca");
    Issued first = ca.issue("first");
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Files.copy(first.certificate(), cert);
    Files.copy(first.key(), key);
    Tls tls = Tls.start(new Tls.Config(Tls.Mode.ON, cert, key, null, Tls.Peers.NONE, true));
    SslContext initial = tls.server();
    tls.reloadIfChanged();
    assertThat(tls.server()).as("unchanged files: the same context").isSameAs(initial);

    Issued second = ca.issue("second");
    try (LogCapture log = LogCapture.of(Tls.class)) {
      // Half a rotation: the new key with the old certificate is not a pair.
      Files.copy(second.key(), key, StandardCopyOption.REPLACE_EXISTING);
      tls.reloadIfChanged();
      assertThat(log.messages(Level.WARN))
          .anySatisfy(m -> assertThat(m).contains("not the private key"));
      assertThat(tls.server()).as("a half-written pair: still the old one").isSameAs(initial);

      Files.copy(second.certificate(), cert, StandardCopyOption.REPLACE_EXISTING);
      tls.reloadIfChanged();
      assertThat(tls.server()).as("the whole new pair").isNotSameAs(initial);
      assertThat(log.messages(Level.INFO)).anySatisfy(m -> assertThat(m).contains("CN=second"));
    }
  }
}
