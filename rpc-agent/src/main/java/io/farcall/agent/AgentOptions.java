package io.farcall.agent;

import io.farcall.runtime.FarcallSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads the agent's settings from (highest first) the {@code -javaagent:rpc-agent.jar=...} options,
 * system properties {@code farcall.<key>} and environment variables {@code FARCALL_<KEY>}, and
 * checks every one: an unknown key or a bad value is an {@link IllegalArgumentException} whose
 * message names the key and what it accepts.
 *
 * <p>Agent options are {@code key=value} pairs separated by commas; a part without {@code =}
 * continues the previous value, so {@code registry=a:2181,b:2181,port=7000} needs no quoting.
 */
final class AgentOptions {
  private AgentOptions() {}

  /** Splits an agent argument string into keys and values, in order. */
  static Map<String, String> parseAgentArgs(String args) {
    Map<String, String> options = new LinkedHashMap<>();
    if (args == null || args.isBlank()) {
      return options;
    }
    String lastKey = null;
    for (String part : args.split(",", -1)) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        if (lastKey == null) {
          throw new IllegalArgumentException(
              "agent option '" + part + "' is not key=value; known options: " + known());
        }
        options.put(lastKey, options.get(lastKey) + "," + part);
        continue;
      }
      String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      if (key.isEmpty()) {
        throw new IllegalArgumentException(
            "agent option '" + part + "' has no key; known options: " + known());
      }
      if (options.containsKey(key)) {
        throw new IllegalArgumentException("agent option '" + key + "' is given twice");
      }
      options.put(key, part.substring(eq + 1));
      lastKey = key;
    }
    return options;
  }

  /** Options the agent reads itself, not passed to the runtime. */
  static final String LOGLEVEL = "loglevel";

  /**
   * The settings for this JVM.
   *
   * @param env looks up environment variables (System::getenv outside tests)
   */
  static Parsed parse(String agentArgs, Map<?, ?> systemProperties, Function<String, String> env) {
    Map<String, String> chosen = new LinkedHashMap<>();
    List<String> keys = new ArrayList<>(FarcallSettings.OPTION_NAMES.keySet());
    keys.add(LOGLEVEL);
    for (String key : keys) {
      String fromEnv = env.apply("FARCALL_" + key.toUpperCase(Locale.ROOT));
      if (fromEnv != null) {
        chosen.put(key, fromEnv);
      }
    }
    for (Map.Entry<?, ?> e : systemProperties.entrySet()) {
      String name = String.valueOf(e.getKey());
      if (name.startsWith("farcall.")) {
        chosen.put(
            name.substring("farcall.".length()).toLowerCase(Locale.ROOT),
            String.valueOf(e.getValue()));
      }
    }
    chosen.putAll(parseAgentArgs(agentArgs));
    String logLevel = AgentLogging.checkLevel(chosen.getOrDefault(LOGLEVEL, "INFO"));
    chosen.remove(LOGLEVEL);
    FarcallSettings.Builder b = FarcallSettings.builder();
    for (Map.Entry<String, String> e : chosen.entrySet()) {
      if (!FarcallSettings.OPTION_NAMES.containsKey(e.getKey())) {
        throw new IllegalArgumentException(
            "unknown option '" + e.getKey() + "'; known options: " + known());
      }
      b.option(e.getKey(), e.getValue());
    }
    return new Parsed(b.settings(), logLevel);
  }

  /** What the options say: the runtime's settings and the agent's log level. */
  record Parsed(FarcallSettings settings, String logLevel) {}

  private static String known() {
    return String.join(", ", FarcallSettings.OPTION_NAMES.keySet()) + ", " + LOGLEVEL;
  }
}
