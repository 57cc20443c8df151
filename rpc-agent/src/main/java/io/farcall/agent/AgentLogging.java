package io.farcall.agent;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarFile;
import java.util.stream.Stream;

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

  /** Where Farcall's own classes are: in the agent jar (or a build's class directory). */
  private static final String FARCALL_PACKAGE = "io/farcall/";

  /** Where the agent jar keeps its relocated libraries, which log at WARN and above only. */
  private static final String SHADED_PACKAGE = "io/farcall/shaded/";

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
    for (String logger : farcallClasses()) {
      setIfAbsent(PREFIX + logger + ".level", farcallLevel);
    }
    // The access log (option accesslog) logs at INFO whatever the agent's own level is.
    setIfAbsent(PREFIX + "farcall.access.level", "INFO");
  }

  /**
   * The names of all of Farcall's classes, each a possible logger name. The simple logger knows no
   * logger hierarchy, so each needs its level set by name; a list written by hand missed most of
   * them (ProviderHealth's "back in rotation", for one, never printed).
   */
  static List<String> farcallClasses() {
    List<String> names = new ArrayList<>();
    try {
      Path source =
          Path.of(AgentLogging.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isDirectory(source)) {
        try (Stream<Path> files = Files.walk(source.resolve(FARCALL_PACKAGE))) {
          files
              .map(f -> source.relativize(f).toString().replace(java.io.File.separatorChar, '/'))
              .forEach(entry -> addClass(entry, names));
        }
      } else {
        try (JarFile jar = new JarFile(source.toFile())) {
          jar.stream().forEach(entry -> addClass(entry.getName(), names));
        }
      }
    } catch (IOException | URISyntaxException | RuntimeException e) {
      // Logging stays at its defaults: WARN and above.
    }
    return names;
  }

  private static void addClass(String entry, List<String> names) {
    if (entry.startsWith(FARCALL_PACKAGE)
        && !entry.startsWith(SHADED_PACKAGE)
        && entry.endsWith(".class")
        && !entry.contains("$")) {
      names.add(entry.substring(0, entry.length() - ".class".length()).replace('/', '.'));
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
