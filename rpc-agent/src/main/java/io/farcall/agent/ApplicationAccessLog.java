package io.farcall.agent;

import io.farcall.runtime.internal.access.AccessLog;
import io.farcall.runtime.internal.access.AccessSink;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;

/**
 * With the agent, the access log ({@code accesslog=true}) goes where the application's own logging
 * goes: to the logger {@value AccessLog#LOGGER} of the application's Log4j 2 API, found through the
 * class loader of the services it serves or calls. That is the logger the application's Log4j
 * configuration already names (an {@code AsyncLogger} hands the lines to Log4j's background
 * thread), or, through {@code log4j-to-slf4j} as Spring Boot ships it, Logback's. An application
 * without a Log4j 2 API, or with the API and no implementation behind it, gets the lines on
 * standard error with the agent's own.
 *
 * <p>The agent's copy of the Log4j API is relocated, so the application's is reached by name, a
 * name built at run time so that relocation leaves it alone, and called through method handles.
 */
final class ApplicationAccessLog {
  private static final String LOG4J = String.join(".", "org", "apache", "logging", "log4j");
  private static final AtomicBoolean SAID_APPLICATION = new AtomicBoolean();
  private static final AtomicBoolean SAID_STDERR = new AtomicBoolean();

  private ApplicationAccessLog() {}

  /** Where the access lines of services of {@code loader} go. */
  static AccessSink sinkFor(ClassLoader loader) {
    AccessSink application;
    String why;
    try {
      application = application(loader);
      why = application == null ? "it has no Log4j 2 implementation" : null;
    } catch (ClassNotFoundException e) {
      application = null;
      why = "it has no Log4j 2 API";
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      application = null;
      why = "its Log4j 2 API could not be used: " + e;
    }
    if (application != null) {
      if (SAID_APPLICATION.compareAndSet(false, true)) {
        if (application.enabled()) {
          LogManager.getLogger(ApplicationAccessLog.class)
              .info(
                  "access log: to the application's Log4j logger {}; its configuration says"
                      + " where",
                  AccessLog.LOGGER);
        } else {
          LogManager.getLogger(ApplicationAccessLog.class)
              .warn(
                  "access log: to the application's Log4j logger {}, which its configuration"
                      + " does not enable at INFO: no lines until it does",
                  AccessLog.LOGGER);
        }
      }
      return application;
    }
    if (SAID_STDERR.compareAndSet(false, true)) {
      LogManager.getLogger(ApplicationAccessLog.class)
          .info(
              "access log: to standard error, as the application's logging cannot take it: {}",
              why);
    }
    return AccessSink.log4j();
  }

  /** The application's logger, or null if its Log4j API has nothing behind it. */
  private static AccessSink application(ClassLoader loader) throws ReflectiveOperationException {
    Class<?> logManager = Class.forName(LOG4J + ".LogManager", true, loader);
    Object factory = logManager.getMethod("getFactory").invoke(null);
    if (factory.getClass().getSimpleName().equals("SimpleLoggerContextFactory")) {
      return null; // the API's fallback, which shows nothing below ERROR
    }
    Object logger = logManager.getMethod("getLogger", String.class).invoke(null, AccessLog.LOGGER);
    Class<?> loggerType = Class.forName(LOG4J + ".Logger", false, logManager.getClassLoader());
    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
    MethodHandle enabled =
        lookup
            .findVirtual(loggerType, "isInfoEnabled", MethodType.methodType(boolean.class))
            .bindTo(logger);
    MethodHandle info =
        lookup
            .findVirtual(loggerType, "info", MethodType.methodType(void.class, String.class))
            .bindTo(logger);
    return new AccessSink() {
      @Override
      public boolean enabled() {
        try {
          return (boolean) enabled.invokeExact();
        } catch (Throwable t) {
          return false; // the application's logging failing never fails a call
        }
      }

      @Override
      public void log(String line) {
        try {
          info.invokeExact(line);
        } catch (Throwable t) {
          // as above
        }
      }
    };
  }
}
