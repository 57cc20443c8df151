package io.farcall.runtime.internal.tracing;

import java.lang.reflect.Constructor;
import java.net.InetSocketAddress;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Finds the OpenTelemetry that a runtime's spans go to and makes the interceptor that records them,
 * without loading a class of OpenTelemetry's when there is none: the application's (given to the
 * builder, or the global one) when the OpenTelemetry API is on the runtime's class path; else, when
 * the OpenTelemetry Java agent is attached, the copy of the API that Farcall's jar carries under
 * {@value #API_PREFIX}, which the OpenTelemetry agent bridges to its own SDK. That is what agent
 * mode uses (the agent jar has no API on its class path), and library mode too when the application
 * has no API of its own.
 *
 * <p>Ask only once every Java agent's {@code premain} ran (at the first export or stub, not while
 * the runtime starts), so that the OpenTelemetry agent is found whichever of the two agents comes
 * first on the command line.
 */
public final class TracingSetup {
  private static final Logger log = LogManager.getLogger(TracingSetup.class);

  /**
   * Where Farcall's agent jar carries the OpenTelemetry API: not a package name, so out of every
   * class loader's way.
   */
  static final String API_PREFIX = "io/farcall/otel-api/";

  private static final String GLOBAL = "io.opentelemetry.api.GlobalOpenTelemetry";

  /** A class of the OpenTelemetry Java agent's, on the boot class path while it is attached. */
  private static final String JAVAAGENT = "io.opentelemetry.javaagent.bootstrap.AgentInitializer";

  private static final String IMPLEMENTATION = TracingSetup.class.getPackageName() + ".OtelTracing";

  private TracingSetup() {}

  /**
   * The interceptor that records a span for each call, on the client and server side (it implements
   * both {@link io.farcall.ClientInterceptor} and {@link io.farcall.ServerInterceptor}), or null
   * when there is no OpenTelemetry to record them with.
   *
   * @param openTelemetry the application's {@code io.opentelemetry.api.OpenTelemetry}, or null for
   *     the global one
   * @param localAddress the address the provider listens on (null before it does), for server spans
   */
  public static Object interceptor(Object openTelemetry, Supplier<InetSocketAddress> localAddress) {
    ClassLoader own = TracingSetup.class.getClassLoader();
    boolean javaagent = loadable(JAVAAGENT, null);
    ClassLoader loader;
    String where;
    if (openTelemetry != null) {
      loader = own;
      where = "the OpenTelemetry given to the builder";
    } else if (loadable(GLOBAL, own)) {
      loader = own;
      where =
          javaagent
              ? "the OpenTelemetry Java agent"
              : "the global OpenTelemetry (once the application sets it)";
    } else if (javaagent
        && own.getResource(API_PREFIX + GLOBAL.replace('.', '/') + ".class") != null) {
      loader = new IsolatedApiLoader(own);
      where = "the OpenTelemetry Java agent";
    } else {
      return null;
    }
    try {
      Constructor<?> c =
          Class.forName(IMPLEMENTATION, true, loader)
              .getDeclaredConstructor(Object.class, boolean.class, Supplier.class);
      c.setAccessible(true);
      Object tracing = c.newInstance(openTelemetry, javaagent, localAddress);
      log.info("calls are traced with {}", where);
      return tracing;
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      log.warn("calls are not traced: cannot set up OpenTelemetry tracing: {}", e.toString());
      return null;
    }
  }

  private static boolean loadable(String name, ClassLoader loader) {
    try {
      Class.forName(name, false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
