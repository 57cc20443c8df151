package io.farcall.runtime.internal.tracing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.security.ProtectionDomain;

/**
 * Loads the OpenTelemetry API from the copy under {@link TracingSetup#API_PREFIX} in the runtime's
 * jar, and the tracing classes linked against it, ahead of its parent (the runtime's loader), which
 * must not see them. It also answers resource lookups of the API's class files, which is how the
 * OpenTelemetry Java agent recognizes an application's API to bridge. Everything else, the agent's
 * own bootstrap classes included, comes from the parent.
 */
final class IsolatedApiLoader extends ClassLoader {
  static {
    registerAsParallelCapable();
  }

  private static final String TRACING_CLASSES = TracingSetup.class.getPackageName() + ".Otel";

  private final ClassLoader runtime;
  private final ProtectionDomain domain = IsolatedApiLoader.class.getProtectionDomain();

  IsolatedApiLoader(ClassLoader runtime) {
    super("farcall-opentelemetry", runtime);
    this.runtime = runtime;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    String path = ownPath(name);
    if (path == null) {
      return super.loadClass(name, resolve);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> c = findLoadedClass(name);
      if (c == null) {
        byte[] bytes = read(path);
        if (bytes == null) {
          return super.loadClass(name, resolve);
        }
        c = defineClass(name, bytes, 0, bytes.length, domain);
      }
      if (resolve) {
        resolveClass(c);
      }
      return c;
    }
  }

  @Override
  public URL getResource(String name) {
    URL own = findResource(name);
    return own != null ? own : super.getResource(name);
  }

  @Override
  protected URL findResource(String name) {
    return isApi(name.replace('/', '.'))
        ? runtime.getResource(TracingSetup.API_PREFIX + name)
        : null;
  }

  /** Where the runtime's jar holds the class file of {@code name} if this loader defines it. */
  private static String ownPath(String name) {
    String file = name.replace('.', '/') + ".class";
    if (isApi(name)) {
      return TracingSetup.API_PREFIX + file;
    }
    return name.startsWith(TRACING_CLASSES) ? file : null;
  }

  private static boolean isApi(String name) {
    return name.startsWith("io.opentelemetry.") && !name.startsWith("io.opentelemetry.javaagent.");
  }

  private byte[] read(String path) {
    try (InputStream in = runtime.getResourceAsStream(path)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + " from Farcall's jar", e);
    }
  }
}
