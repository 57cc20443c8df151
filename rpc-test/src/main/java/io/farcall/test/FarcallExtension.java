package io.farcall.test;

import io.farcall.runtime.Farcall;
import io.farcall.runtime.FarcallOps;
import io.farcall.runtime.FarcallSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real Farcall for a test: an embedded ZooKeeper on a free loopback port, provider runtimes that
 * serve the implementations a test exports, and a consumer runtime whose stubs call them, all over
 * real sockets. Register it with {@code @RegisterExtension}:
 *
 * <pre>{@code
 * @RegisterExtension static final FarcallExtension farcall = FarcallExtension.create();
 *
 * @Test
 * void reservesStock() {
 *   TestProvider inventory = farcall.export(new InventoryImpl());
 *   Inventory stub = farcall.stub(Inventory.class);
 *   assertThat(stub.reserve("sku-1", 2)).isEqualTo(8);
 *   inventory.slowDown(Duration.ofSeconds(5)); // calls now outlast their deadline
 * }
 * }</pre>
 *
 * <p>As a {@code static} field it starts once for the test class and stops after it; as an instance
 * field, once per test. Providers a test exports are stopped after that test either way, so each
 * test starts with none; the ZooKeeper and the consumer are shared as long as the extension lives.
 */
public final class FarcallExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
  private final UnaryOperator<FarcallSettings.Builder> settings;

  private volatile Running running;
  private boolean perClass;

  private FarcallExtension(UnaryOperator<FarcallSettings.Builder> settings) {
    this.settings = settings;
  }

  /** An extension whose runtimes have every setting at its default (but the registry). */
  public static FarcallExtension create() {
    return new FarcallExtension(b -> b);
  }

  /**
   * An extension whose runtimes, the consumer's and every provider's, are built with {@code
   * settings} applied to their builder: a shorter {@code timeout}, say. The registry is the
   * extension's own ZooKeeper.
   */
  public static FarcallExtension create(UnaryOperator<FarcallSettings.Builder> settings) {
    return new FarcallExtension(settings);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true;
    start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (running == null) {
      start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (perClass) {
      running().stopProviders();
    } else {
      stop();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
    perClass = false;
  }

  /**
   * The ZooKeeper connect string of the extension's registry, for runtimes a test builds itself.
   */
  public String registry() {
    return running().zooKeeper.connectString();
  }

  /**
   * Starts a provider runtime of its own (its own server, registry session and threads, as another
   * process would have) that serves {@code impl} for every {@code @Remote} interface it implements,
   * and returns once it is registered. Export twice for two providers of a service.
   */
  public TestProvider export(Object impl) {
    Running r = running();
    Farcall runtime = null;
    try {
      TestProvider.Delay delay = new TestProvider.Delay();
      runtime = builder(r).intercept(delay).build();
      List<String> services = runtime.export(impl);
      TestProvider p = new TestProvider(runtime, services, delay);
      r.providers.add(p);
      awaitKnown(r.consumer, services, runtime.localAddress().getPort());
      return p;
    } catch (RuntimeException | Error e) {
      if (runtime != null) {
        runtime.close();
      }
      throw e;
    }
  }

  /**
   * Waits until {@code consumer} knows the provider at {@code port} for every one of {@code
   * services}, so that a test's first call finds it.
   */
  private static void awaitKnown(Farcall consumer, List<String> services, int port) {
    long end = System.nanoTime() + KNOWN_WITHIN.toNanos();
    for (String service : services) {
      while (consumer.providers(service).stream().noneMatch(a -> a.getPort() == port)) {
        if (System.nanoTime() - end > 0) {
          throw new IllegalStateException(
              "the consumer did not learn of the provider of "
                  + service
                  + " on port "
                  + port
                  + " within "
                  + KNOWN_WITHIN);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
      }
    }
  }

  private static final Duration KNOWN_WITHIN = Duration.ofSeconds(30);

  /** A stub of {@code type}, from the extension's consumer runtime (the same one each time). */
  public <T> T stub(Class<T> type) {
    return running().consumer.stub(type);
  }

  /** The consumer runtime the stubs come from. */
  public Farcall consumer() {
    return running().consumer;
  }

  private FarcallSettings.Builder builder(Running r) {
    return settings.apply(Farcall.builder()).registry(r.zooKeeper.connectString());
  }

  private Running running() {
    Running r = running;
    if (r == null) {
      throw new IllegalStateException(
          "FarcallExtension is not running: register it with @RegisterExtension, and use it in a"
              + " test or a @BeforeEach/@BeforeAll method");
    }
    return r;
  }

  private synchronized void start() {
    if (running != null) {
      return;
    }
    FarcallOps.LocalZooKeeper zooKeeper = startZooKeeper();
    try {
      Running r = new Running(zooKeeper);
      r.consumer = settings.apply(Farcall.builder()).registry(zooKeeper.connectString()).build();
      running = r;
    } catch (RuntimeException | Error e) {
      zooKeeper.close();
      throw e;
    }
  }

  private synchronized void stop() {
    Running r = running;
    running = null;
    if (r != null) {
      r.close();
    }
  }

  /** A ZooKeeper on a free loopback port; another process may take a probed port first. */
  private static FarcallOps.LocalZooKeeper startZooKeeper() {
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      } catch (IOException e) {
        last = e;
        continue;
      }
      try {
        return FarcallOps.startZooKeeper(port, Duration.ofSeconds(30));
      } catch (IOException e) {
        last = e;
      }
    }
    throw new UncheckedIOException("cannot start an embedded ZooKeeper on 127.0.0.1", last);
  }

  /** What one start of the extension runs. */
  private static final class Running {
    final FarcallOps.LocalZooKeeper zooKeeper;
    final List<TestProvider> providers = new CopyOnWriteArrayList<>();
    Farcall consumer;

    Running(FarcallOps.LocalZooKeeper zooKeeper) {
      this.zooKeeper = zooKeeper;
    }

    void stopProviders() {
      List<TestProvider> all = new ArrayList<>(providers);
      providers.clear();
      for (TestProvider p : all) {
        p.stop();
      }
    }

    void close() {
      try {
        stopProviders();
        consumer.close();
      } finally {
        zooKeeper.close();
      }
    }
  }
}
