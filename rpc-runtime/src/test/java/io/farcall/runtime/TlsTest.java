package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.farcall.NoProviderException;
import io.farcall.RpcException;
import io.farcall.runtime.FarcallSettings.TlsMode;
import io.farcall.runtime.internal.transport.Tls;
import io.farcall.runtime.testing.CallerLoad;
import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.GreeterImpl;
import io.farcall.runtime.testing.LogCapture;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.Runtimes;
import io.farcall.runtime.testing.TestPki;
import io.farcall.runtime.testing.TestPki.Issued;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and mutual TLS between real runtimes over loopback with a real ZooKeeper, with certificate
 * authorities and certificates the test makes.
 */
class TlsTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path dir;

  private TestPki ca;
  private TestPki otherCa;
  @RegisterExtension final Runtimes runtimes = new Runtimes(zk);

  @BeforeEach
  void authorities() {
    ca = TestPki.authority(dir, "farcall-test");
    otherCa = TestPki.authority(dir, "other");
  }

  private Farcall runtime(FarcallSettings.Builder b) {
    return runtimes.start(b);
  }

  private static FarcallSettings.Builder shows(Issued cert, TlsMode mode) {
    return Farcall.builder().tls(mode).tlsCertificate(cert.certificate(), cert.key());
  }

  private Farcall provider(FarcallSettings.Builder b) {
    Farcall f = runtime(b);
    f.export(new GreeterImpl("tls"));
    return f;
  }

  private Greeter consumer(FarcallSettings.Builder b) {
    return runtime(b).stub(Greeter.class);
  }

  private static Greeter ready(Greeter g) {
    Poll.untilAProviderAnswers(() -> g.greet("warm-up"), WAIT);
    return g;
  }

  @Test
  void callsGoOverTlsAndTheProviderRefusesPlaintext() throws Exception {
    Farcall provider;
    try (LogCapture log = LogCapture.of(Tls.class)) {
      provider = provider(shows(ca.issue("provider"), TlsMode.ON));
      assertThat(log.messages(Level.INFO))
          .as("netty-tcnative's BoringSSL loads on this platform")
          .anySatisfy(m -> assertThat(m).startsWith("TLS ON through OpenSSL"));
    }
    Greeter g = ready(consumer(Farcall.builder().tls(TlsMode.ON).tlsTrusted(ca.authorityFile())));

    assertThat(g.greet("secret-argument")).isEqualTo("hello secret-argument");

    // A plaintext peer hears nothing (a plaintext provider says hello first) and is cut off when
    // it sends a frame.
    InetSocketAddress address = provider.localAddress();
    try (Socket s = new Socket()) {
      s.connect(address, 2000);
      s.setSoTimeout(5000);
      s.getOutputStream().write(new byte[] {0, 0, 0, 8, 8, 1, 16, 3, 24, 5, 0, 0});
      InputStream in = s.getInputStream();
      assertThat(readAll(in)).as("what a plaintext peer hears").isEmpty();
    }
    assertThat(g.greet("again")).isEqualTo("hello again");
  }

  private static byte[] readAll(InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0]; // reset: cut off
    }
  }

  @Test
  void aConsumerWithoutTlsDoesNotCallATlsOnlyProviderInPlaintext() {
    provider(shows(ca.issue("provider"), TlsMode.ON));
    Greeter plain = consumer(Farcall.builder());

    Throwable e =
        Poll.untilOrFail(
            "the call is refused for want of TLS",
            () -> catchThrowable(() -> plain.greet("x")),
            t -> t instanceof NoProviderException n && n.getMessage().contains("TLS only"),
            WAIT);

    assertThat(e)
        .hasMessageContaining(
            "no provider of " + Greeter.class.getName() + " this runtime may call")
        .hasMessageContaining("speaks TLS only, and this runtime has tls=off");
  }

  @Test
  void aTlsOnlyConsumerDoesNotCallAPlaintextProvider() {
    provider(Farcall.builder());
    Greeter g = consumer(Farcall.builder().tls(TlsMode.ON).tlsTrusted(ca.authorityFile()));

    Throwable e =
        Poll.untilOrFail(
            "the call is refused for want of TLS",
            () -> catchThrowable(() -> g.greet("x")),
            t -> t instanceof NoProviderException n && n.getMessage().contains("plaintext"),
            WAIT);

    assertThat(e)
        .hasMessageContaining("does not say it speaks TLS, and tls=on sends no call in plaintext");
  }

  @Test
  void aPermissiveProviderServesTlsAndPlaintextConsumersOnOnePort() {
    provider(shows(ca.issue("provider"), TlsMode.PERMISSIVE));
    Greeter secure =
        ready(consumer(Farcall.builder().tls(TlsMode.ON).tlsTrusted(ca.authorityFile())));
    Greeter plain = ready(consumer(Farcall.builder()));
    Greeter either =
        ready(consumer(Farcall.builder().tls(TlsMode.PERMISSIVE).tlsTrusted(ca.authorityFile())));

    assertThat(secure.greet("a")).isEqualTo("hello a");
    assertThat(plain.greet("b")).isEqualTo("hello b");
    assertThat(either.greet("c")).isEqualTo("hello c");
  }

  @Test
  void aProviderWhoseCertificateAnotherAuthoritySignedFailsTheHandshake() {
    provider(shows(otherCa.issue("impostor"), TlsMode.ON));
    Greeter g = consumer(Farcall.builder().tls(TlsMode.ON).tlsTrusted(ca.authorityFile()));

    Throwable e =
        Poll.untilOrFail(
            "the call fails",
            () -> catchThrowable(() -> g.greet("secret")),
            t -> t instanceof RpcException && !(t instanceof NoProviderException),
            WAIT);

    assertThat(e).hasMessageContaining("TLS handshake with 127.0.0.1:");
  }

  @Test
  void mutualTlsServesConsumersWithATrustedCertificateOnly() {
    provider(shows(ca.issue("provider"), TlsMode.ON).tlsTrusted(ca.authorityFile()));
    Greeter trusted =
        ready(consumer(shows(ca.issue("consumer"), TlsMode.ON).tlsTrusted(ca.authorityFile())));
    assertThat(trusted.greet("a")).isEqualTo("hello a");

    Greeter anonymous = consumer(Farcall.builder().tls(TlsMode.ON).tlsTrusted(ca.authorityFile()));
    Greeter foreign =
        consumer(shows(otherCa.issue("consumer"), TlsMode.ON).tlsTrusted(ca.authorityFile()));
    for (Greeter refused : List.of(anonymous, foreign)) {
      Throwable e =
          Poll.untilOrFail(
              "the call fails",
              () -> catchThrowable(() -> refused.greet("secret")),
              t -> t instanceof RpcException && !(t instanceof NoProviderException),
              WAIT);
      assertThat(e).isInstanceOf(RpcException.class);
    }
    assertThat(trusted.greet("b")).isEqualTo("hello b");
  }

  @Test
  void anExpiredCertificateStopsStartUpNamingTheOption() {
    Issued expired = ca.issueExpired("provider");

    assertThatThrownBy(() -> runtime(shows(expired, TlsMode.ON)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("option 'tlscert'")
        .hasMessageContaining("expired");
  }

  @Test
  void badTlsSettingsStopStartUpNamingTheOption() throws Exception {
    Issued one = ca.issue("one");
    Issued two = ca.issue("two");
    assertThatThrownBy(
            () -> runtime(shows(one, TlsMode.ON).tlsCertificate(one.certificate(), two.key())))
        .hasMessageContaining("option 'tlskey'")
        .hasMessageContaining("not the private key of the certificate");
    assertThatThrownBy(
            () ->
                runtime(
                    Farcall.builder()
                        .tls(TlsMode.ON)
                        .tlsCertificate(dir.resolve("none.pem"), one.key())))
        .hasMessageContaining("option 'tlscert'")
        .hasMessageContaining("none.pem");
    assertThatThrownBy(() -> Farcall.builder().option("tls", "yes"))
        .hasMessageContaining("option 'tls'")
        .hasMessageContaining("off, on, permissive");
    assertThatThrownBy(
            () ->
                Farcall.builder().option("tls", "on").option("tlsclientauth", "require").settings())
        .hasMessageContaining("option 'tlsclientauth'")
        .hasMessageContaining("tlsca");
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
    assertThatThrownBy(() -> runtime(Farcall.builder().tls(TlsMode.ON).tlsTrusted(garbage)))
        .hasMessageContaining("option 'tlsca'");
    Farcall consumerOnly =
        runtime(Farcall.builder().tls(TlsMode.ON).tlsTrusted(ca.authorityFile()));
    assertThatThrownBy(() -> consumerOnly.export(new GreeterImpl("x")))
        .hasMessageContaining("option 'tlscert'");
  }

  @Test
  void aRotatedCertificateIsUsedForNewConnectionsWithoutAFailedCall() throws Exception {
    Issued first = ca.issue("provider");
    Path cert = dir.resolve("served.pem");
    Path key = dir.resolve("served-key.pem");
    Files.copy(first.certificate(), cert);
    Files.copy(first.key(), key);
    provider(Farcall.builder().tls(TlsMode.ON).tlsCertificate(cert, key));
    Greeter steady =
        ready(consumer(Farcall.builder().tls(TlsMode.ON).tlsTrusted(ca.authorityFile())));

    AtomicInteger calls = new AtomicInteger();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    AtomicBoolean stop = new AtomicBoolean();
    Thread load =
        new Thread(
            () -> {
              while (failed.get() == null && !stop.get()) {
                try {
                  steady.greet("n" + calls.incrementAndGet());
                } catch (RuntimeException e) {
                  failed.set(e);
                }
              }
            },
            "load");
    load.start();
    try {
      Poll.untilTrue("calls run", () -> calls.get() > 100, WAIT);
      // The new certificate comes from another authority, so which one a connection got shows.
      Issued next = otherCa.issue("rotated");
      try (LogCapture log = LogCapture.of(Tls.class)) {
        Files.copy(next.key(), key, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(next.certificate(), cert, StandardCopyOption.REPLACE_EXISTING);
        Poll.untilTrue(
            "the provider reads the new files",
            () ->
                log.messages(Level.INFO).stream()
                    .anyMatch(m -> m.contains("TLS files changed") && m.contains("CN=rotated")),
            WAIT);
      }

      Greeter fresh =
          consumer(Farcall.builder().tls(TlsMode.ON).tlsTrusted(otherCa.authorityFile()));
      Poll.untilTrue(
          "a new connection gets the new certificate",
          () -> {
            try {
              return fresh.greet("new").equals("hello new");
            } catch (RpcException e) {
              return false;
            }
          },
          WAIT);
      int before = calls.get();
      Poll.untilTrue("calls go on", () -> calls.get() > before + 100, WAIT);
    } finally {
      stop.set(true);
      load.join(10_000);
    }
    assertThat(failed.get()).as("a call during rotation failed").isNull();
  }

  /** A provider named {@code name} that speaks TLS as {@code mode} says. */
  private Farcall provider(String name, TlsMode mode, Issued cert) {
    Farcall f =
        runtime(
            mode == TlsMode.OFF
                ? Farcall.builder()
                : Farcall.builder().tls(mode).tlsCertificate(cert.certificate(), cert.key()));
    f.export(new GreeterImpl(name));
    return f;
  }

  /** Starts {@code next} in place of {@code old}: once calls reach it, {@code old} stops. */
  private Farcall replace(Farcall old, String next, TlsMode mode, Issued cert, Greeter... seenBy) {
    Farcall started = provider(next, mode, cert);
    for (Greeter g : seenBy) {
      Poll.untilTrue(
          "calls reach " + next,
          () -> {
            for (int i = 0; i < 20; i++) {
              if (g.whoAmI().equals(next)) {
                return true;
              }
            }
            return false;
          },
          WAIT);
    }
    old.close(); // deregisters, then lets its calls finish
    return started;
  }

  @Test
  void aRunningFleetMovesFromPlaintextToTlsWithoutAFailedCall() throws Exception {
    Issued cert = ca.issue("fleet");
    Farcall a = provider("a-off", TlsMode.OFF, null);
    Farcall b = provider("b-off", TlsMode.OFF, null);
    Greeter plain = ready(consumer(Farcall.builder()));
    try (CallerLoad<String> plainLoad = CallerLoad.start(4, (c, n) -> plain.whoAmI())) {
      // 1. Providers accept both, one restart at a time; the plaintext consumer goes on.
      a = replace(a, "a-permissive", TlsMode.PERMISSIVE, cert, plain);
      b = replace(b, "b-permissive", TlsMode.PERMISSIVE, cert, plain);
      // 2. Consumers trust the authority and speak TLS to providers that do.
      Greeter either =
          ready(consumer(Farcall.builder().tls(TlsMode.PERMISSIVE).tlsTrusted(ca.authorityFile())));
      try (CallerLoad<String> eitherLoad = CallerLoad.start(4, (c, n) -> either.whoAmI())) {
        plainLoad.close();
        assertThat(plainLoad.failures()).as(plainLoad.summary()).isEmpty();
        // 3. Providers refuse plaintext.
        a = replace(a, "a-on", TlsMode.ON, cert, either);
        b = replace(b, "b-on", TlsMode.ON, cert, either);
        // 4. Consumers refuse plaintext too.
        Greeter strict =
            ready(consumer(Farcall.builder().tls(TlsMode.ON).tlsTrusted(ca.authorityFile())));
        try (CallerLoad<String> strictLoad = CallerLoad.start(4, (c, n) -> strict.whoAmI())) {
          Poll.untilTrue(
              "strict calls reach both",
              () -> strictLoad.returned("a-on") > 20 && strictLoad.returned("b-on") > 20,
              WAIT);
          eitherLoad.close();
          strictLoad.close();
          assertThat(eitherLoad.failures()).as(eitherLoad.summary()).isEmpty();
          assertThat(strictLoad.failures()).as(strictLoad.summary()).isEmpty();
          assertThat(eitherLoad.ok() + strictLoad.ok()).isPositive();
        }
      }
    }
  }

  @Test
  void theCommandLinesPingSpeaksTlsToProvidersThatDoAndSaysWhenItCannot() {
    provider(shows(ca.issue("provider"), TlsMode.ON));
    try (FarcallOps plain = FarcallOps.connect(zk.connectString(), "/farcall", WAIT)) {
      List<FarcallOps.Provider> providers =
          Poll.until(
              () -> plain.services().getOrDefault(Greeter.class.getName(), List.of()),
              l -> !l.isEmpty(),
              WAIT);
      assertThat(providers.get(0).tls()).isEqualTo("required");
      FarcallOps.PingResult refused = plain.ping(providers, Duration.ofSeconds(5)).get(0);
      assertThat(refused.outcome()).isEqualTo(FarcallOps.Outcome.UNREACHABLE);
      assertThat(refused.detail()).contains("speaks TLS only");

      try (FarcallOps secure =
          FarcallOps.connect(
              zk.connectString(),
              "/farcall",
              WAIT,
              Farcall.builder()
                  .tls(TlsMode.PERMISSIVE)
                  .tlsTrusted(ca.authorityFile())
                  .settings())) {
        assertThat(secure.ping(providers, Duration.ofSeconds(5)).get(0).outcome())
            .isEqualTo(FarcallOps.Outcome.OK);
      }
    }
  }
}
