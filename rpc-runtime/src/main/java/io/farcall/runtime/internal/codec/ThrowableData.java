package io.farcall.runtime.internal.codec;

import io.farcall.RemoteException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * An exception as data: what travels in an error body instead of a serialized {@code Throwable}.
 * Kryo's record serializer writes it; nothing in it can make the reader instantiate a class.
 *
 * @param type the exception's class name
 * @param message its message, possibly null
 * @param stack its stack trace
 * @param fields its own fields' values, Kryo-encoded on their own so that a reader which cannot
 *     decode them still gets the exception; null when none were sent
 * @param cause the cause, possibly null
 * @param suppressed the suppressed exceptions
 */
record ThrowableData(
    String type,
    String message,
    Frame[] stack,
    byte[] fields,
    ThrowableData cause,
    ThrowableData[] suppressed) {

  /** Causes and suppressed exceptions nested deeper than this are dropped when writing. */
  static final int MAX_NESTING = 32;

  /** At most this many exceptions (causes and suppressed, all levels) are written per error. */
  static final int MAX_EXCEPTIONS = 128;

  /** One stack frame, with everything {@link StackTraceElement} has. */
  record Frame(
      String classLoaderName,
      String moduleName,
      String moduleVersion,
      String declaringClass,
      String methodName,
      String fileName,
      int lineNumber) {

    static Frame of(StackTraceElement element) {
      return new Frame(
          element.getClassLoaderName(),
          element.getModuleName(),
          element.getModuleVersion(),
          element.getClassName(),
          element.getMethodName(),
          element.getFileName(),
          element.getLineNumber());
    }

    StackTraceElement toElement() {
      if (declaringClass == null || methodName == null) {
        throw new BodyDecodingException("exception data has a stack frame without class or method");
      }
      return new StackTraceElement(
          classLoaderName,
          moduleName,
          moduleVersion,
          declaringClass,
          methodName,
          fileName,
          lineNumber);
    }
  }

  /**
   * Captures an exception, its cause chain and suppressed exceptions. Cycles and very deep or wide
   * trees are cut (see {@link #MAX_NESTING}, {@link #MAX_EXCEPTIONS}).
   *
   * @param fields encodes an exception's own fields, or returns null to send none
   */
  static ThrowableData capture(Throwable error, Function<Throwable, byte[]> fields) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    return capture(error, fields, seen, MAX_NESTING);
  }

  private static ThrowableData capture(
      Throwable error, Function<Throwable, byte[]> fields, Set<Throwable> seen, int nesting) {
    seen.add(error);
    ThrowableData cause = null;
    Throwable errorCause = safeCause(error);
    if (errorCause != null && nesting > 1 && room(seen, errorCause)) {
      cause = capture(errorCause, fields, seen, nesting - 1);
    }
    List<ThrowableData> suppressed = new ArrayList<>();
    for (Throwable each : error.getSuppressed()) {
      if (nesting > 1 && room(seen, each)) {
        suppressed.add(capture(each, fields, seen, nesting - 1));
      }
    }
    StackTraceElement[] elements = error.getStackTrace();
    Frame[] stack = new Frame[elements.length];
    for (int i = 0; i < elements.length; i++) {
      stack[i] = Frame.of(elements[i]);
    }
    String type = error.getClass().getName();
    String message = safeMessage(error);
    // A failure that arrived from further away keeps naming its original type.
    if (error instanceof RemoteException remote) {
      type = remote.remoteType();
      message = remote.remoteMessage();
    }
    return new ThrowableData(
        type, message, stack, fields.apply(error), cause, suppressed.toArray(ThrowableData[]::new));
  }

  private static boolean room(Set<Throwable> seen, Throwable next) {
    return seen.size() < MAX_EXCEPTIONS && !seen.contains(next);
  }

  /**
   * Application code may override getMessage/getCause; a failing override must not lose the error.
   */
  private static String safeMessage(Throwable error) {
    try {
      return error.getMessage();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Throwable safeCause(Throwable error) {
    try {
      return error.getCause();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
