package io.farcall.runtime.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading the files options name, with the error a bad one stops start-up with. */
public final class OptionFiles {
  private OptionFiles() {}

  /**
   * The bytes of {@code file}.
   *
   * @throws IllegalArgumentException naming {@code option}, if the file cannot be read
   */
  public static byte[] read(Path file, String option) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "option '" + option + "': cannot read " + file + ": " + e, e);
    }
  }

  /** The text of {@code file}, as UTF-8; see {@link #read}. */
  public static String readString(Path file, String option) {
    return new String(read(file, option), StandardCharsets.UTF_8);
  }
}
