package io.farcall.runtime.internal.discovery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * A standalone ZooKeeper server inside this JVM, for zero-config and for development tools (the
 * agent jar's {@code zookeeper} command, through {@code FarcallOps.startZooKeeper}): it listens on
 * loopback only, keeps its data in a temporary directory deleted on {@link #close()}, and has no
 * admin server.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(EmbeddedZooKeeper.class);

  private final InetSocketAddress address;
  private final Path baseDir;
  private final ZooKeeperServerEmbedded server;

  private EmbeddedZooKeeper(
      InetSocketAddress address, Path baseDir, ZooKeeperServerEmbedded server) {
    this.address = address;
    this.baseDir = baseDir;
    this.server = server;
  }

  /**
   * Serializes the probe-then-start of zero-config among the registries of this JVM; {@link
   * #startUnlessAnswering} serializes it among JVMs with a file lock. Static because the port it
   * guards is shared by the whole machine.
   */
  private static final ReentrantLock STARTING = new ReentrantLock();

  private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);

  /**
   * Starts a server on {@code address} unless something already answers there, or starts answering
   * meanwhile: Farcall JVMs of this machine that start at the same moment take turns, so that one
   * starts the server and the others find it. Returns null when another process serves the port.
   *
   * @throws IOException if the server could not start although the port was free
   */
  static EmbeddedZooKeeper startUnlessAnswering(InetSocketAddress address, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (answers(address, PROBE_TIMEOUT)) {
      return null;
    }
    if (!STARTING.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return null;
    }
    FileChannel lockFile = openLockFile(address);
    try {
      // Without a lock file (read-only temp directory, say) we start unguarded; a lost race then
      // shows up as a taken port, which tryStart handles.
      FileLock lock = lockFile == null ? null : lock(lockFile, deadline);
      try {
        // Whoever held the lock before us may have started a server by now.
        if (answers(address, PROBE_TIMEOUT)) {
          return null;
        }
        return tryStart(address, remaining(deadline));
      } finally {
        if (lock != null) {
          lock.release();
        }
      }
    } finally {
      if (lockFile != null) {
        lockFile.close();
      }
      STARTING.unlock();
    }
  }

  private static FileChannel openLockFile(InetSocketAddress address) {
    Path path =
        Path.of(
            System.getProperty("java.io.tmpdir"),
            "farcall-zookeeper-" + address.getPort() + ".lock");
    try {
      return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("No lock file {}; starting without it", path, e);
      return null;
    }
  }

  private static FileLock lock(FileChannel file, long deadlineNanos)
      throws IOException, InterruptedException {
    while (true) {
      FileLock lock = file.tryLock();
      if (lock != null || System.nanoTime() > deadlineNanos) {
        return lock;
      }
      Thread.sleep(50);
    }
  }

  private static Duration remaining(long deadlineNanos) {
    return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }

  /**
   * Starts a server on {@code address}, or returns null if the port is taken (another process got
   * there first).
   *
   * @throws IOException if the server could not start for any other reason
   */
  public static EmbeddedZooKeeper tryStart(InetSocketAddress address, Duration startTimeout)
      throws IOException {
    // Checked first because ZooKeeper reports a taken port only by logging it and never finishing
    // its start, which would cost us the whole start timeout.
    if (!canBind(address)) {
      return null;
    }
    Path baseDir = Files.createTempDirectory("farcall-zookeeper-");
    Properties properties = new Properties();
    properties.setProperty("dataDir", baseDir.resolve("data").toString());
    properties.setProperty("clientPortAddress", address.getAddress().getHostAddress());
    properties.setProperty("clientPort", Integer.toString(address.getPort()));
    properties.setProperty("tickTime", "2000");
    // Every JVM on the machine connects from 127.0.0.1: ZooKeeper's default of 60 per address
    // would cap how many of them can join.
    properties.setProperty("maxClientCnxns", "0");
    properties.setProperty("admin.enableServer", "false");
    properties.setProperty("autopurge.purgeInterval", "0");
    ZooKeeperServerEmbedded server = null;
    // ZooKeeper's NIO server installs a JVM-wide default uncaught exception handler when its class
    // loads; the application hosting us keeps its own.
    Thread.UncaughtExceptionHandler applicationHandler =
        Thread.getDefaultUncaughtExceptionHandler();
    try {
      server =
          ZooKeeperServerEmbedded.builder()
              .baseDir(baseDir)
              .configuration(properties)
              // EXIT would call System.exit when the server fails, for instance on a taken port.
              .exitHandler(ExitHandler.LOG_ONLY)
              .build();
      server.start(startTimeout.toMillis());
      Thread.setDefaultUncaughtExceptionHandler(applicationHandler);
      return new EmbeddedZooKeeper(address, baseDir, server);
    } catch (Exception e) {
      Thread.setDefaultUncaughtExceptionHandler(applicationHandler);
      if (server != null) {
        server.close();
      }
      deleteRecursively(baseDir);
      if (!canBind(address)) {
        LOG.debug("Port {} was taken while our embedded ZooKeeper started", address, e);
        return null;
      }
      throw new IOException("Could not start an embedded ZooKeeper on " + address, e);
    }
  }

  /** Whether something accepts TCP connections on {@code address} within {@code timeout}. */
  static boolean answers(InetSocketAddress address, Duration timeout) {
    try (Socket socket = new Socket()) {
      socket.connect(address, (int) Math.max(1, timeout.toMillis()));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean canBind(InetSocketAddress address) {
    try (ServerSocket socket = new ServerSocket()) {
      // Same option as ZooKeeper's own listener, so a port in TIME_WAIT counts as free.
      socket.setReuseAddress(true);
      socket.bind(address);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  InetSocketAddress address() {
    return address;
  }

  public String connectString() {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }

  /**
   * Stops the server. Its threads finish shutting down soon after; {@link Registry#close()} waits
   * for them before {@link #deleteData()}.
   */
  void stop() {
    server.close();
  }

  /** Deletes the server's temporary directory. */
  void deleteData() {
    deleteRecursively(baseDir);
  }

  /** Stops the server and deletes its data. */
  @Override
  public void close() {
    stop();
    deleteData();
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(EmbeddedZooKeeper::delete);
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("Could not delete the embedded ZooKeeper's directory {}", dir, e);
    }
  }

  private static void delete(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
