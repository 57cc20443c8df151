package io.farcall.agent;

import java.util.List;
import java.util.Locale;

/**
 * Sets up the agent's logging before its first logger exists. The agent logs through its own,
 * relocated copy of the Log4j API and that API's simple logger, to standard error; the
 * application's logging (whatever it uses) is not touched. The property names below are relocated
 * with the API when the agent jar is built, so they can only ever configure the agent's copy.
 *
 * <p>Farcall's own loggers log at the {@code loglevel} option (INFO by default); the libraries
 * inside the agent (ZooKeeper, Curator, Netty) only at WARN and above.
 */
final class AgentLogging {
  static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");
  private static final String PREFIX = "org.apache.logging.log4j.simplelog.";

  /**
   * The loggers whose INFO lines a user wants to see: start-up, exports, the zero-config registry.
   */
  private static final List<String> FARCALL_LOGGERS =
      List.of(
          "io.farcall.agent.AgentRuntime",
          "io.farcall.agent.FarcallAgent",
          "io.farcall.agent.Hooks",
          "io.farcall.agent.Instrumentations",
          "io.farcall.runtime.Farcall",
          "io.farcall.runtime.internal.discovery.Registry",
          "io.farcall.runtime.internal.discovery.EmbeddedZooKeeper",
          "io.farcall.runtime.internal.discovery.CachedDirectory",
          "io.farcall.runtime.internal.invoke.Dispatcher",
          "io.farcall.runtime.internal.transport.Connection",
          "io.farcall.runtime.internal.transport.ServerTransport");

  private AgentLogging() {}

  /** Checks a {@code loglevel} value; throws naming the option and the accepted values. */
  static String checkLevel(String value) {
    String level = value.trim().toUpperCase(Locale.ROOT);
    if (!LEVELS.contains(level)) {
      throw new IllegalArgumentException(
          "option 'loglevel': '" + value + "' is not one of " + String.join(", ", LEVELS));
    }
    return level;
  }

  static void configure(String farcallLevel) {
    setIfAbsent(PREFIX + "level", "WARN");
    setIfAbsent(PREFIX + "showdatetime", "true");
    setIfAbsent(PREFIX + "dateTimeFormat", "HH:mm:ss.SSS");
    setIfAbsent(PREFIX + "showShortLogname", "true");
    for (String logger : FARCALL_LOGGERS) {
      setIfAbsent(PREFIX + logger + ".level", farcallLevel);
    }
  }

  /**
   * Loggers of the bundled libraries that need a level of their own, set just before the runtime
   * starts (their names, taken from the relocated classes, load those classes). ZooKeeper's client
   * logs a warning with a stack trace every second while ZooKeeper is unreachable; Farcall says
   * what matters in one line of its own.
   */
  static void configureLibraries() {
    setIfAbsent(PREFIX + org.apache.zookeeper.ClientCnxn.class.getName() + ".level", "ERROR");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
