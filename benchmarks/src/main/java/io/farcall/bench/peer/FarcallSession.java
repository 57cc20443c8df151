package io.farcall.bench.peer;

import io.farcall.NonBlocking;
import io.farcall.bench.model.UserService;
import io.farcall.bench.model.UserServiceImpl;
import io.farcall.runtime.Farcall;
import io.farcall.runtime.FarcallOps;
import io.farcall.runtime.FarcallSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;

/** Farcall as users run it: a ZooKeeper, providers that register, a consumer's stub. */
final class FarcallSession implements Peer.Session {
  private final FarcallOps.LocalZooKeeper zooKeeper;
  private final List<Farcall> runtimes = new ArrayList<>();
  private UserService stub;

  private UnaryOperator<FarcallSettings.Builder> settings = b -> b;

  private FarcallSession(FarcallOps.LocalZooKeeper zooKeeper) {
    this.zooKeeper = zooKeeper;
  }

  /**
   * @param nonBlocking whether the providers' implementation is marked {@code @NonBlocking}
   */
  static FarcallSession start(int providers, boolean nonBlocking) throws Exception {
    return start(providers, nonBlocking, b -> b);
  }

  /**
   * Providers with {@code tls=on} and a certificate, and a consumer with {@code tls=on} that trusts
   * its authority.
   */
  static FarcallSession startTls(int providers) throws Exception {
    return start(providers, false, tlsSettings(TlsFiles.create()));
  }

  /** {@code tls=on} with {@code files}, one-way (no client certificate), for every runtime. */
  static UnaryOperator<FarcallSettings.Builder> tlsSettings(TlsFiles files) {
    return b ->
        b.tls(FarcallSettings.TlsMode.ON)
            .tlsCertificate(files.certificate(), files.key())
            .tlsTrusted(files.authority())
            .tlsClientAuth(FarcallSettings.ClientAuth.NONE);
  }

  /**
   * @param settings applied to the builder of every runtime of the session, consumer's and
   *     providers'
   */
  static FarcallSession start(
      int providers, boolean nonBlocking, UnaryOperator<FarcallSettings.Builder> settings)
      throws Exception {
    FarcallSession s = new FarcallSession(startZooKeeper());
    s.settings = settings;
    try {
      List<CountingImpl> impls = new ArrayList<>();
      for (int i = 0; i < providers; i++) {
        CountingImpl impl = nonBlocking ? new NonBlockingCountingImpl() : new CountingImpl();
        s.runtime().export(impl);
        impls.add(impl);
      }
      s.stub = s.runtime().stub(UserService.class);
      s.awaitRouting(impls);
      return s;
    } catch (Exception | Error e) {
      s.close();
      throw e;
    }
  }

  /** A new runtime on the session's registry; closed with the session. */
  Farcall runtime() {
    Farcall f =
        settings
            .apply(Farcall.builder())
            .registry(zooKeeper.connectString())
            .host("127.0.0.1")
            .build();
    runtimes.add(f);
    return f;
  }

  /** Calls until every provider served one, so the measurement starts with all of them in use. */
  private void awaitRouting(List<CountingImpl> impls) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (impls.stream().anyMatch(i -> i.calls.sum() == 0)) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("not every provider was routed to within 30 s");
      }
      try {
        stub.existUser("warm@example.org");
      } catch (RuntimeException e) {
        Thread.sleep(20);
      }
    }
  }

  private static FarcallOps.LocalZooKeeper startZooKeeper() throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      }
      try {
        return FarcallOps.startZooKeeper(port, Duration.ofSeconds(30));
      } catch (IOException e) {
        last = e; // someone took the port meanwhile
      }
    }
    throw last;
  }

  String registry() {
    return zooKeeper.connectString();
  }

  @Override
  public UserService client() {
    return stub;
  }

  @Override
  public void close() {
    for (int i = runtimes.size() - 1; i >= 0; i--) {
      runtimes.get(i).close();
    }
    zooKeeper.close();
  }

  /** The same implementation, run on the provider's I/O threads. */
  @NonBlocking
  static final class NonBlockingCountingImpl extends CountingImpl {}

  /** Counts the calls that reached it, to see that routing reached every provider. */
  static class CountingImpl extends UserServiceImpl {
    final LongAdder calls = new LongAdder();

    @Override
    public boolean existUser(String email) {
      calls.increment();
      return super.existUser(email);
    }
  }
}
