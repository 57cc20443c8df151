package io.farcall.runtime.testing;

import io.farcall.runtime.Farcall;
import io.farcall.runtime.FarcallSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runtimes a test starts against its ZooKeeper, closed after each test, last started first.
 * Register it as an instance field: {@code @RegisterExtension final Runtimes runtimes = new
 * Runtimes(zk);}.
 */
public final class Runtimes implements AfterEachCallback {
  private final ZooKeeperExtension zk;
  private final List<Farcall> started = new ArrayList<>();

  public Runtimes(ZooKeeperExtension zk) {
    this.zk = zk;
  }

  /**
   * Builds {@code b} with the test's registry and a 10 s default timeout, closed after the test.
   */
  public Farcall start(FarcallSettings.Builder b) {
    Farcall f = b.registry(zk.connectString()).timeout(Duration.ofSeconds(10)).build();
    started.add(f);
    return f;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    List<Farcall> closing = new ArrayList<>(started);
    started.clear();
    Collections.reverse(closing);
    closing.forEach(Farcall::close);
  }
}
