package io.farcall.agent;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;

/**
 * The agent's first look at every class: a byte search of the class file for the descriptors of
 * {@code @Export} and {@code @RemoteRef}, which the constant pool of an annotated class must
 * contain. Only classes that mention one are handed to Byte Buddy, which is itself built on the
 * first such class, so the JVM's start and classes that do not use Farcall pay almost nothing. The
 * few Spring classes {@link SpringHooks} needs are handed over by name.
 */
final class PrefilterTransformer implements ClassFileTransformer {
  private static final byte[][] MARKERS = {
    "Lio/farcall/Export;".getBytes(StandardCharsets.UTF_8),
    "Lio/farcall/RemoteRef;".getBytes(StandardCharsets.UTF_8),
  };

  /** Spring's classes that {@link SpringHooks} needs hooked, by internal name. */
  private static final java.util.Set<String> SPRING_CLASSES =
      java.util.Set.of(
          Instrumentations.SPRING_BEAN_FACTORY.replace('.', '/'),
          Instrumentations.SPRING_CONTEXT.replace('.', '/'),
          Instrumentations.SPRING_APPLICATION.replace('.', '/'));

  private volatile ClassFileTransformer delegate;

  @Override
  public byte[] transform(
      ClassLoader loader,
      String className,
      Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain,
      byte[] classfileBuffer)
      throws IllegalClassFormatException {
    if (classBeingRedefined != null
        || loader == null
        || !(SPRING_CLASSES.contains(className) || mentionsMarker(classfileBuffer))) {
      return null;
    }
    return delegate().transform(loader, className, null, protectionDomain, classfileBuffer);
  }

  private ClassFileTransformer delegate() {
    ClassFileTransformer d = delegate;
    if (d == null) {
      synchronized (this) {
        d = delegate;
        if (d == null) {
          d = Instrumentations.transformer();
          delegate = d;
        }
      }
    }
    return d;
  }

  static boolean mentionsMarker(byte[] classFile) {
    for (byte[] marker : MARKERS) {
      if (indexOf(classFile, marker) >= 0) {
        return true;
      }
    }
    return false;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    byte first = needle[0];
    int last = haystack.length - needle.length;
    outer:
    for (int i = 0; i <= last; i++) {
      if (haystack[i] != first) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
