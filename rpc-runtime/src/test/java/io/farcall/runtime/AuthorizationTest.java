package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.farcall.CurrentCall;
import io.farcall.PermissionDeniedException;
import io.farcall.Remote;
import io.farcall.RemoteCall;
import io.farcall.runtime.FarcallSettings.TlsMode;
import io.farcall.runtime.testing.LogCapture;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.Runtimes;
import io.farcall.runtime.testing.TestPki;
import io.farcall.runtime.testing.TestPki.Issued;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider's authorization policy, between real runtimes over loopback with a real ZooKeeper:
 * callers known by their client certificates or tokens, allowed, refused and audited.
 */
class AuthorizationTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String LEDGER = Ledger.class.getName();

  /** The service the policy guards: who called, as its code sees it, and two more methods. */
  @Remote
  public interface Ledger {
    String whoCalls();

    int add(int a, int b);

    int add(int a, int b, int c);

    void reset();
  }

  public static final class LedgerImpl implements Ledger {
    @Override
    public String whoCalls() {
      return CurrentCall.get().map(RemoteCall::identity).orElse("none");
    }

    @Override
    public int add(int a, int b) {
      return a + b;
    }

    @Override
    public int add(int a, int b, int c) {
      return a + b + c;
    }

    @Override
    public void reset() {}
  }

  @TempDir Path dir;

  private TestPki ca;
  private Path policy;
  @RegisterExtension final Runtimes runtimes = new Runtimes(zk);

  @BeforeEach
  void setUp() throws Exception {
    ca = TestPki.authority(dir, "fleet");
    policy = dir.resolve("authz.txt");
  }

  private Farcall runtime(FarcallSettings.Builder b) {
    return runtimes.start(b);
  }

  /** A provider of Ledger with mutual TLS (tokens optional) and the policy file. */
  private void provider(String rules, boolean tokens) throws Exception {
    Files.writeString(policy, rules);
    Issued cert = ca.issue("ledger");
    FarcallSettings.Builder b =
        Farcall.builder()
            .tls(TlsMode.ON)
            .tlsCertificate(cert.certificate(), cert.key())
            .tlsTrusted(ca.authorityFile())
            .authorize(policy);
    if (tokens) {
      Path file =
          Files.writeString(
              dir.resolve("tokens.txt"),
              "# identity token\nreports 0123456789abcdef0123\nbilling fedcba9876543210fedc\n");
      b.tlsClientAuth(FarcallSettings.ClientAuth.OPTIONAL).acceptTokens(file);
    }
    runtime(b).export(new LedgerImpl());
  }

  /** A consumer whose client certificate names {@code uri} (or only its common name, if null). */
  private Ledger consumer(String commonName, String uri) {
    Instant now = Instant.now();
    Issued cert = ca.issue(commonName, now.minusSeconds(60), now.plusSeconds(3600), uri);
    return ready(
        runtime(
                Farcall.builder()
                    .tls(TlsMode.ON)
                    .tlsCertificate(cert.certificate(), cert.key())
                    .tlsTrusted(ca.authorityFile()))
            .stub(Ledger.class));
  }

  private Ledger tokenConsumer(String token) throws Exception {
    Path file = Files.writeString(dir.resolve("token-" + token.hashCode()), token + "\n");
    return ready(
        runtime(Farcall.builder().tls(TlsMode.ON).tlsTrusted(ca.authorityFile()).token(file))
            .stub(Ledger.class));
  }

  /** Waits until the provider is known: a refusal counts, since it comes from the provider. */
  private static Ledger ready(Ledger l) {
    Poll.untilAProviderAnswers(
        () -> {
          try {
            l.whoCalls();
          } catch (PermissionDeniedException e) {
            // answered
          }
        },
        WAIT);
    return l;
  }

  @Test
  void aCallerTheCertificateNamesIsAllowedWhatThePolicySaysAndRefusedTheRestWithOneAuditLine()
      throws Exception {
    provider(
        LEDGER
            + "  whoCalls  spiffe://fleet/checkout, spiffe://fleet/admin\n"
            + LEDGER
            + "  add       spiffe://fleet/checkout\n"
            + "*  *  spiffe://fleet/admin   # admins may do anything\n",
        false);
    Ledger checkout = consumer("checkout", "spiffe://fleet/checkout");
    Ledger admin = consumer("admin", "spiffe://fleet/admin");
    Ledger web = consumer("web", null);

    assertThat(checkout.whoCalls()).isEqualTo("spiffe://fleet/checkout");
    assertThat(checkout.add(1, 2)).isEqualTo(3);
    assertThat(checkout.add(1, 2, 3)).as("a rule names all overloads").isEqualTo(6);
    admin.reset();
    assertThat(admin.whoCalls()).isEqualTo("spiffe://fleet/admin");

    PermissionDeniedException denied;
    try (LogCapture audit = LogCapture.of("farcall.audit")) {
      denied = catchThrowableOfType(PermissionDeniedException.class, checkout::reset);
      List<String> lines = Poll.until(() -> audit.messages(Level.WARN), l -> !l.isEmpty(), WAIT);
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0))
          .contains("refused " + LEDGER + ".reset()")
          .contains("spiffe://fleet/checkout")
          .contains("127.0.0.1:")
          .contains(policy.toString());
    }
    assertThat(denied.service()).isEqualTo(LEDGER);
    assertThat(denied.method()).isEqualTo("reset()");
    assertThat(denied.identity()).isEqualTo("spiffe://fleet/checkout");
    assertThat(denied.isRetryable()).isFalse();
    assertThat(denied)
        .hasMessageStartingWith("spiffe://fleet/checkout may not call " + LEDGER + ".reset()");

    PermissionDeniedException byName =
        catchThrowableOfType(PermissionDeniedException.class, web::whoCalls);
    assertThat(byName.identity()).as("no URI name: the common name").isEqualTo("web");

    for (int i = 0; i < 10; i++) {
      assertThatThrownBy(web::reset).isInstanceOf(PermissionDeniedException.class);
    }
    assertThat(checkout.add(2, 2))
        .as("refusals are answers: the provider is not ejected for them")
        .isEqualTo(4);
  }

  @Test
  void tokensNameCallersWithoutCertificatesAndAnUnknownOneIsAnonymous() throws Exception {
    provider(LEDGER + " whoCalls reports, anonymous\n" + LEDGER + " add reports\n", true);
    Ledger reports = tokenConsumer("0123456789abcdef0123");
    Ledger billing = tokenConsumer("fedcba9876543210fedc");
    Ledger stranger = tokenConsumer("not-a-token-anyone-knows");

    assertThat(reports.whoCalls()).isEqualTo("reports");
    assertThat(reports.add(1, 1)).isEqualTo(2);
    assertThat(stranger.whoCalls()).isEqualTo(PermissionDeniedException.ANONYMOUS);
    assertThat(catchThrowableOfType(PermissionDeniedException.class, () -> billing.add(1, 1)))
        .extracting(PermissionDeniedException::identity)
        .isEqualTo("billing");
    assertThat(catchThrowableOfType(PermissionDeniedException.class, () -> stranger.add(1, 1)))
        .extracting(PermissionDeniedException::identity)
        .isEqualTo(PermissionDeniedException.ANONYMOUS);
  }

  @Test
  void aChangedPolicyFileIsUsedWithoutARestart() throws Exception {
    provider(LEDGER + " whoCalls spiffe://fleet/checkout\n", false);
    Ledger checkout = consumer("checkout", "spiffe://fleet/checkout");
    assertThatThrownBy(() -> checkout.add(1, 1)).isInstanceOf(PermissionDeniedException.class);

    try (LogCapture log = LogCapture.of("io.farcall.runtime.internal.security.WatchedFile")) {
      Files.writeString(policy, "this is not a rule\n");
      Poll.untilTrue(
          "the broken file is reported",
          () -> log.messages(Level.WARN).stream().anyMatch(m -> m.contains("line 1")),
          WAIT);
    }
    assertThat(checkout.whoCalls()).as("a broken file keeps the policy").isNotNull();
    assertThatThrownBy(() -> checkout.add(1, 1)).isInstanceOf(PermissionDeniedException.class);

    Files.writeString(policy, LEDGER + " * spiffe://fleet/checkout\n");
    Poll.untilTrue(
        "the new policy allows add",
        () -> {
          try {
            return checkout.add(1, 1) == 2;
          } catch (PermissionDeniedException e) {
            return false;
          }
        },
        WAIT);
  }

  @Test
  void badSecuritySettingsStopStartUpNamingTheOption() throws Exception {
    Path broken = Files.writeString(dir.resolve("broken.txt"), "# fine\nacme.Svc add(int) x\n");
    assertThatThrownBy(() -> runtime(Farcall.builder().authorize(broken)))
        .hasMessageContaining("option 'authz'")
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> runtime(Farcall.builder().authorize(dir.resolve("missing.txt"))))
        .hasMessageContaining("option 'authz'")
        .hasMessageContaining("missing.txt");
    Path shortToken = Files.writeString(dir.resolve("tokens.txt"), "reports abc\n");
    assertThatThrownBy(() -> runtime(Farcall.builder().acceptTokens(shortToken)))
        .hasMessageContaining("option 'tokens'")
        .hasMessageContaining("shorter than 16");
    Path token = Files.writeString(dir.resolve("token"), "0123456789abcdef0123");
    assertThatThrownBy(() -> Farcall.builder().token(token).settings())
        .hasMessageContaining("option 'tokenfile'")
        .hasMessageContaining("tls=on");
  }
}
