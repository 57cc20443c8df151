package acme.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One line per execution, {@code token TAB start (epoch ms) TAB detail}, appended to this process's
 * file with one unbuffered write each: once {@code write} returns the line is the kernel's, so it
 * survives a {@code kill -9} of the process a moment later. The file is {@code <execution.dir>/<app
 * name>.log}.
 */
public final class ExecutionLog {
  private final FileChannel channel;

  private ExecutionLog(FileChannel channel) {
    this.channel = channel;
  }

  public static ExecutionLog get() {
    return Holder.INSTANCE;
  }

  /** Opened on first use, so that processes that record nothing need no directory. */
  private static final class Holder {
    static final ExecutionLog INSTANCE = open();
  }

  /** This process's name in the scenario, as callers see it. */
  public static String appName() {
    return System.getProperty("app.name", "pid-" + ProcessHandle.current().pid());
  }

  private static ExecutionLog open() {
    String dir = System.getProperty("execution.dir");
    if (dir == null) {
      throw new IllegalStateException("-Dexecution.dir is not set");
    }
    try {
      Path file = Path.of(dir, appName() + ".log");
      Files.createDirectories(file.getParent());
      return new ExecutionLog(
          FileChannel.open(
              file,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.APPEND));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Records that the call named {@code token} started running here now. */
  public void record(String token, String detail) {
    String line = token + "\t" + System.currentTimeMillis() + "\t" + detail + "\n";
    ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
    try {
      // FileChannel serialises writes: concurrent lines never interleave.
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
