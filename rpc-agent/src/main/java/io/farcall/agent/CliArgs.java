package io.farcall.agent;

import io.farcall.runtime.FarcallSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parsed command line of {@code java -jar rpc-agent.jar}. Options may come before or after the
 * command, as {@code --name value} or {@code --name=value}; each command accepts only the options
 * that mean something to it. Anything else is a {@link UsageException} naming what was wrong.
 */
record CliArgs(
    Command command,
    String service,
    String registry,
    String basePath,
    Duration timeout,
    int port,
    boolean stdin,
    boolean verbose,
    Duration interval,
    int count,
    java.nio.file.Path tlsCa,
    java.nio.file.Path tlsCert,
    java.nio.file.Path tlsKey) {

  static final String DEFAULT_REGISTRY = "127.0.0.1:2181";
  static final String DEFAULT_BASE_PATH = "/farcall";
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);
  static final int DEFAULT_PORT = 2181;
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  /** {@code --count} for "until stopped". */
  static final int UNTIL_STOPPED = 0;

  /** What to do. */
  enum Command {
    LIST("list"),
    PING("ping"),
    DIFF("diff"),
    TOP("top"),
    ZOOKEEPER("zookeeper"),
    HELP("help");

    final String word;

    Command(String word) {
      this.word = word;
    }

    static Command named(String word) {
      for (Command c : values()) {
        if (c.word.equals(word)) {
          return c;
        }
      }
      return null;
    }
  }

  /** Options that take a value, and the commands they apply to. */
  private static final Map<String, Set<Command>> VALUED =
      Map.of(
          "--registry", Set.of(Command.LIST, Command.PING, Command.DIFF, Command.TOP),
          "--basepath", Set.of(Command.LIST, Command.PING, Command.DIFF, Command.TOP),
          "--timeout", Set.of(Command.PING),
          "--port", Set.of(Command.ZOOKEEPER),
          "--interval", Set.of(Command.TOP),
          "--count", Set.of(Command.TOP),
          "--tlsca", Set.of(Command.PING),
          "--tlscert", Set.of(Command.PING),
          "--tlskey", Set.of(Command.PING));

  /** Flags, and the commands they apply to. */
  private static final Map<String, Set<Command>> FLAGS =
      Map.of(
          "--stdin", Set.of(Command.ZOOKEEPER),
          "--verbose", Set.of(Command.values()),
          "--help", Set.of(Command.values()));

  /** The command line was wrong; the message says how, in one line. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /**
   * Parses {@code args}. {@code --help} (or {@code -h}, or the {@code help} command) anywhere wins
   * over everything else and yields {@link Command#HELP}.
   */
  static CliArgs parse(String... args) throws UsageException {
    for (String a : args) {
      if (a.equals("--help") || a.equals("-h")) {
        return help();
      }
    }
    List<String> words = new ArrayList<>();
    List<String[]> options = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("-") || a.equals("-")) {
        words.add(a);
        continue;
      }
      if (a.equals("--")) {
        words.addAll(List.of(args).subList(i + 1, args.length));
        break;
      }
      int eq = a.indexOf('=');
      String name = eq < 0 ? a : a.substring(0, eq);
      if (name.equals("-v")) {
        name = "--verbose";
      }
      if (VALUED.containsKey(name)) {
        String value;
        if (eq >= 0) {
          value = a.substring(eq + 1);
        } else if (i + 1 < args.length) {
          value = args[++i];
        } else {
          throw new UsageException("option " + name + " needs a value");
        }
        options.add(new String[] {name, value});
      } else if (FLAGS.containsKey(name)) {
        if (eq >= 0) {
          throw new UsageException("option " + name + " takes no value");
        }
        options.add(new String[] {name, null});
      } else {
        throw new UsageException("unknown option '" + a + "'");
      }
    }
    if (words.isEmpty()) {
      throw new UsageException("no command given");
    }
    Command command = Command.named(words.get(0));
    if (command == null) {
      throw new UsageException("unknown command '" + words.get(0) + "'");
    }
    if (command == Command.HELP) {
      return help();
    }
    List<String> operands = words.subList(1, words.size());
    String service = null;
    if (command == Command.PING || command == Command.DIFF) {
      if (operands.isEmpty()) {
        throw new UsageException(
            command.word
                + " needs the name of a service, e.g. "
                + command.word
                + " acme.shop.Inventory");
      }
      service = operands.get(0);
      operands = operands.subList(1, operands.size());
    } else if (command == Command.TOP && !operands.isEmpty()) {
      service = operands.get(0); // optional: all services without it
      operands = operands.subList(1, operands.size());
    }
    if (!operands.isEmpty()) {
      throw new UsageException(
          "unexpected argument '" + operands.get(0) + "' after " + command.word);
    }

    String registry = DEFAULT_REGISTRY;
    String basePath = DEFAULT_BASE_PATH;
    Duration timeout = DEFAULT_TIMEOUT;
    int port = DEFAULT_PORT;
    boolean stdin = false;
    boolean verbose = false;
    Duration interval = DEFAULT_INTERVAL;
    int count = UNTIL_STOPPED;
    java.nio.file.Path tlsCa = null;
    java.nio.file.Path tlsCert = null;
    java.nio.file.Path tlsKey = null;
    for (String[] option : options) {
      String name = option[0];
      String value = option[1];
      Set<Command> applies = VALUED.containsKey(name) ? VALUED.get(name) : FLAGS.get(name);
      if (!applies.contains(command)) {
        throw new UsageException("option " + name + " does not apply to " + command.word);
      }
      switch (name) {
        case "--registry" -> registry = registry(value);
        case "--basepath" -> basePath = basePath(value);
        case "--timeout" -> timeout = duration(name, value);
        case "--port" -> port = port(value);
        case "--stdin" -> stdin = true;
        case "--verbose" -> verbose = true;
        case "--interval" -> interval = interval(value);
        case "--count" -> count = count(value);
        case "--tlsca" -> tlsCa = java.nio.file.Path.of(value);
        case "--tlscert" -> tlsCert = java.nio.file.Path.of(value);
        case "--tlskey" -> tlsKey = java.nio.file.Path.of(value);
        default -> throw new IllegalStateException(name);
      }
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new UsageException("options --tlscert and --tlskey go together");
    }
    return new CliArgs(
        command, service, registry, basePath, timeout, port, stdin, verbose, interval, count, tlsCa,
        tlsCert, tlsKey);
  }

  private static CliArgs help() {
    return new CliArgs(
        Command.HELP,
        null,
        DEFAULT_REGISTRY,
        DEFAULT_BASE_PATH,
        DEFAULT_TIMEOUT,
        DEFAULT_PORT,
        false,
        false,
        DEFAULT_INTERVAL,
        UNTIL_STOPPED,
        null,
        null,
        null);
  }

  private static String registry(String value) throws UsageException {
    String v = value.trim();
    if (v.isEmpty() || v.contains(" ")) {
      throw new UsageException(
          "option --registry: '" + value + "' is not a ZooKeeper connect string like host:2181");
    }
    return v;
  }

  private static String basePath(String value) throws UsageException {
    if (!value.startsWith("/") || value.length() < 2 || value.endsWith("/")) {
      throw new UsageException(
          "option --basepath: '" + value + "' must start with / and not end with /, e.g. /farcall");
    }
    return value;
  }

  /** {@code 500}, {@code 500ms}, {@code 3s} or {@code 1m}; a bare number is milliseconds. */
  static Duration duration(String name, String value) throws UsageException {
    Duration d;
    try {
      d = FarcallSettings.parseDuration(value);
    } catch (IllegalArgumentException e) {
      d = Duration.ZERO;
    }
    if (d.isZero()) {
      throw new UsageException(
          "option "
              + name
              + ": '"
              + value
              + "' is not a positive duration like 500ms, 3s or 1m (a bare number is ms)");
    }
    return d;
  }

  /** A refresh interval: a duration of at least 100 ms (faster only measures the scrapes). */
  private static Duration interval(String value) throws UsageException {
    Duration d = duration("--interval", value);
    if (d.compareTo(Duration.ofMillis(100)) < 0) {
      throw new UsageException(
          "option --interval: '" + value + "' is shorter than the shortest interval, 100ms");
    }
    return d;
  }

  private static int count(String value) throws UsageException {
    try {
      int count = Integer.parseInt(value.trim());
      if (count >= 1) {
        return count;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(
        "option --count: '" + value + "' is not a number of tables, 1 or more");
  }

  private static int port(String value) throws UsageException {
    try {
      int port = Integer.parseInt(value.trim());
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("option --port: '" + value + "' is not a port number in 1-65535");
  }
}
