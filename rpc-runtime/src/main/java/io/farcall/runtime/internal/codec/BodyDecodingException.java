package io.farcall.runtime.internal.codec;

/**
 * A body could not be decoded: it names a class that is not allowed, is truncated, or is otherwise
 * malformed. The message says exactly what was refused or broken, e.g. {@code "class id 123456789
 * is not allowed"}. Nothing named by a refused class id was instantiated or even loaded.
 */
public final class BodyDecodingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BodyDecodingException(String message) {
    super(message);
  }

  public BodyDecodingException(String message, Throwable cause) {
    super(message, cause);
  }
}
