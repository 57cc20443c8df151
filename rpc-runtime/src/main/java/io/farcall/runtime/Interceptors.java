package io.farcall.runtime;

import com.google.common.base.Suppliers;
import io.farcall.ClientInterceptor;
import io.farcall.ServerInterceptor;
import io.farcall.runtime.internal.AgentLink;
import io.farcall.runtime.internal.access.AccessLog;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The interceptors of one runtime, as the application's class loader finds them: Farcall's own
 * tracing when OpenTelemetry is there (outermost, so its spans cover the rest), access log when
 * asked for, authorization and token credentials when configured, the builder's objects, then the
 * classes the {@code interceptors} option names, then those {@link ServiceLoader} finds ({@code
 * META-INF/services/io.farcall.ClientInterceptor} and {@code ...ServerInterceptor}). Classes are
 * resolved in the class loader of the exported object's class or the stub's interface (an
 * executable jar's or a web application's own loader, which the agent cannot see at start-up), once
 * per loader; a class that implements both interfaces is created once and used on both sides.
 * Thread-safe.
 */
final class Interceptors {
  private static final Logger log = LogManager.getLogger(Interceptors.class);

  /** One loader's interceptors, outermost first. */
  record Found(List<ClientInterceptor> client, List<ServerInterceptor> server) {}

  private final FarcallSettings settings;
  private final Map<ClassLoader, Found> byLoader = new ConcurrentHashMap<>();

  /**
   * The built-in tracing interceptor, outermost on both sides, or null: found at the first
   * resolution, once every Java agent's {@code premain} ran.
   */
  private final Supplier<Object> tracing;

  /** Farcall's own authorization and credentials, after the access log, before the builder's. */
  private final List<Object> security;

  Interceptors(FarcallSettings settings, Supplier<Object> tracing, List<Object> security) {
    this.settings = settings;
    this.security = List.copyOf(security);
    this.tracing = Suppliers.memoize(tracing::get);
  }

  /**
   * The interceptors for classes of {@code loader} (null: the system class loader).
   *
   * @throws IllegalStateException naming the option, if a named class is missing or unusable
   */
  Found of(ClassLoader loader) {
    ClassLoader l = loader != null ? loader : ClassLoader.getSystemClassLoader();
    return byLoader.computeIfAbsent(l, this::resolve);
  }

  private Found resolve(ClassLoader loader) {
    List<ClientInterceptor> client = new ArrayList<>();
    List<ServerInterceptor> server = new ArrayList<>();
    Object traced = tracing.get();
    if (traced != null) {
      add(traced, client, server);
    }
    if (settings.accessLog()) {
      add(new AccessLog(AgentLink.accessSink(loader)), client, server);
    }
    for (Object s : security) {
      add(s, client, server);
    }
    client.addAll(settings.clientInterceptors());
    server.addAll(settings.serverInterceptors());
    Set<Class<?>> named = new HashSet<>();
    for (String name : settings.interceptorNames()) {
      Object i = instantiate(name, loader);
      named.add(i.getClass());
      add(i, client, server);
    }
    List<Object> discovered = new ArrayList<>();
    Set<Class<?>> seen = new HashSet<>(named);
    discover(ClientInterceptor.class, loader, discovered, seen);
    discover(ServerInterceptor.class, loader, discovered, seen);
    for (Object i : discovered) {
      add(i, client, server);
    }
    if (!client.isEmpty() || !server.isEmpty()) {
      log.info("interceptors for {}: client {}, server {}", loader, names(client), names(server));
    }
    return new Found(List.copyOf(client), List.copyOf(server));
  }

  private static void add(
      Object i, List<ClientInterceptor> client, List<ServerInterceptor> server) {
    if (i instanceof ClientInterceptor c) {
      client.add(c);
    }
    if (i instanceof ServerInterceptor s) {
      server.add(s);
    }
  }

  /**
   * Adds what {@link ServiceLoader} finds of {@code type} in {@code loader}, one object per class
   * (a class listed for both interfaces is created once).
   */
  private static <T> void discover(
      Class<T> type, ClassLoader loader, List<Object> found, Set<Class<?>> seen) {
    try {
      for (ServiceLoader.Provider<T> p : ServiceLoader.load(type, loader).stream().toList()) {
        if (seen.add(p.type())) {
          found.add(p.get());
        }
      }
    } catch (ServiceConfigurationError e) {
      throw new IllegalStateException(
          "cannot load the "
              + type.getSimpleName()
              + "s listed in META-INF/services: "
              + e.getMessage(),
          e);
    }
  }

  private static Object instantiate(String name, ClassLoader loader) {
    Class<?> c;
    try {
      c = Class.forName(name, true, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalStateException(
          "option 'interceptors': class " + name + " not found by " + loader, e);
    }
    if (!ClientInterceptor.class.isAssignableFrom(c)
        && !ServerInterceptor.class.isAssignableFrom(c)) {
      throw new IllegalStateException(
          "option 'interceptors': "
              + name
              + " implements neither io.farcall.ClientInterceptor nor io.farcall.ServerInterceptor");
    }
    try {
      return c.getConstructor().newInstance();
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(
          "option 'interceptors': the constructor of " + name + " threw " + e.getCause(),
          e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "option 'interceptors': " + name + " needs a public no-argument constructor", e);
    }
  }

  private static List<String> names(List<?> interceptors) {
    return interceptors.stream().map(i -> i.getClass().getName()).toList();
  }
}
