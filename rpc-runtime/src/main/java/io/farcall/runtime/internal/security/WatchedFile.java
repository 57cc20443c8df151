package io.farcall.runtime.internal.security;

import io.farcall.runtime.internal.OptionFiles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * What a file says, read again on {@link #reloadIfChanged}: when its bytes changed and still parse,
 * the new value is used from then on; when they do not, the previous value stays, with one warning
 * per content. Thread-safe.
 *
 * @param <T> what the file is parsed into
 */
final class WatchedFile<T> {
  private static final Logger log = LogManager.getLogger(WatchedFile.class);

  private final String option;
  private final Path file;
  private final Function<String, T> parse;
  private volatile T value;
  private byte[] bytes; // guarded by this
  private String lastProblem; // guarded by this

  /**
   * Reads and parses the file now.
   *
   * @param option the option that names the file, for messages
   * @param parse turns the file's text into its value; throws {@link IllegalArgumentException}
   *     saying what is wrong (a line number, say)
   * @throws IllegalArgumentException naming the option, if the file cannot be read or parsed
   */
  WatchedFile(String option, Path file, Function<String, T> parse) {
    this.option = option;
    this.file = file;
    this.parse = parse;
    byte[] b = read();
    this.value = parsed(b);
    this.bytes = b;
  }

  T get() {
    return value;
  }

  /** Reads the file again and takes what it says now, if that changed and parses. */
  synchronized void reloadIfChanged() {
    try {
      byte[] b = read();
      if (Arrays.equals(b, bytes)) {
        return;
      }
      bytes = b; // not again for the same bytes, whether they parse or not
      value = parsed(b);
      lastProblem = null;
      log.info("option '{}': {} changed; its new contents are in use", option, file);
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().equals(lastProblem)) {
        lastProblem = e.getMessage();
        log.warn("{}; the previous contents stay in use", e.getMessage());
      }
    }
  }

  private byte[] read() {
    return OptionFiles.read(file, option);
  }

  private T parsed(byte[] b) {
    try {
      return parse.apply(new String(b, java.nio.charset.StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "option '" + option + "': " + file + ": " + e.getMessage(), e);
    }
  }
}
