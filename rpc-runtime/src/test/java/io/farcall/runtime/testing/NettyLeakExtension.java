package io.farcall.runtime.testing;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reports a leaked buffer while it ran. Registered for every test
 * class (junit-platform.properties); the build runs tests with leak detection on paranoid, which
 * tracks every buffer. Netty reports a leak through its logger when a later allocation finds a
 * collected, unreleased buffer, so after the class the extension forces collections and
 * allocations, then checks what was logged.
 */
public final class NettyLeakExtension implements BeforeAllCallback, AfterAllCallback {
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
  private static volatile boolean installed;

  @Override
  public void beforeAll(ExtensionContext context) {
    install();
    LEAKS.clear();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    List<String> found = drainLeakReports();
    if (!found.isEmpty()) {
      throw new AssertionError(
          "Netty reported "
              + found.size()
              + " leak(s) in "
              + context.getDisplayName()
              + ":\n"
              + String.join("\n\n", found));
    }
  }

  /**
   * Makes Netty look for collected, unreleased buffers, and returns (and forgets) the leaks it
   * reported since the last call.
   */
  public static List<String> drainLeakReports() {
    install();
    for (int i = 0; i < 3; i++) {
      collect();
      for (ByteBufAllocator a :
          new ByteBufAllocator[] {
            PooledByteBufAllocator.DEFAULT, UnpooledByteBufAllocator.DEFAULT
          }) {
        for (int j = 0; j < 64; j++) {
          a.buffer(16).release();
          a.directBuffer(16).release();
        }
      }
    }
    List<String> found = List.copyOf(LEAKS);
    LEAKS.clear();
    return found;
  }

  /**
   * Runs a collection and waits until a sentinel reference it cleared has been queued. The JVM
   * queues what one collection cleared before what the next one did, so by then every reference an
   * earlier collection cleared (a leaked buffer's among them) is queued for Netty to find.
   */
  private static void collect() {
    ReferenceQueue<Object> queue = new ReferenceQueue<>();
    WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
    System.gc();
    Poll.untilTrue(
        "a weakly reachable object collected and its reference queued",
        () -> {
          if (!sentinel.refersTo(null)) {
            System.gc();
            return false;
          }
          return queue.poll() != null;
        },
        Duration.ofSeconds(10));
  }

  private static synchronized void install() {
    if (installed) {
      return;
    }
    if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
      System.err.println(
          "warning: Netty leak detection is " + ResourceLeakDetector.getLevel() + ", not PARANOID");
    }
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    Configuration config = ctx.getConfiguration();
    AbstractAppender appender =
        new AbstractAppender("netty-leaks", null, null, true, Property.EMPTY_ARRAY) {
          @Override
          public void append(LogEvent event) {
            String message = event.getMessage().getFormattedMessage();
            if (event.getLevel().isMoreSpecificThan(Level.ERROR) && message.contains("LEAK")) {
              LEAKS.add(message);
            }
          }
        };
    appender.start();
    config.addAppender(appender);
    LoggerConfig leakLogger =
        new LoggerConfig(ResourceLeakDetector.class.getName(), Level.ERROR, true);
    leakLogger.addAppender(appender, Level.ERROR, null);
    config.addLogger(ResourceLeakDetector.class.getName(), leakLogger);
    ctx.updateLoggers();
    installed = true;
  }
}
