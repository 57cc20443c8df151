package io.farcall.spring.boot;

import io.farcall.runtime.FarcallSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * The {@code farcall.*} properties of a Spring application, read as the agent reads its options:
 * the same keys ({@code farcall.registry}, {@code farcall.timeout}, {@code farcall.sessiontimeout},
 * ...), the same values, the same checks and messages, since both hand them to {@link
 * FarcallSettings.Builder#option}. Keys are matched in Spring's relaxed form, so {@code
 * farcall.session-timeout}, {@code farcall.sessionTimeout} and {@code FARCALL_SESSIONTIMEOUT} are
 * all {@code sessiontimeout}; a list value (YAML's {@code [a, b]}) is the comma-separated list.
 *
 * <p>Two keys are the starter's own: {@code farcall.enabled} ({@code false} turns the starter off)
 * and {@code farcall.loglevel} (the level of the {@code io.farcall} loggers, as the agent's
 * option). Any other key is an error that stops start-up, naming the property.
 */
final class FarcallProperties {
  static final String PREFIX = "farcall";
  static final String ENABLED = "enabled";
  static final String LOGLEVEL = "loglevel";
  private static final Set<String> OWN = Set.of(ENABLED, LOGLEVEL);

  private FarcallProperties() {}

  /** Each {@code farcall.*} key, in its uniform (lower case, no dashes) form, and its value. */
  static Map<String, String> read(Environment environment) {
    Binder binder = Binder.get(environment);
    Map<String, String> found = new LinkedHashMap<>();
    ConfigurationPropertyName prefix = ConfigurationPropertyName.of(PREFIX);
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      if (!(source instanceof IterableConfigurationPropertySource iterable)) {
        continue;
      }
      iterable.stream()
          .filter(name -> prefix.isAncestorOf(name))
          .map(name -> name.chop(2))
          .forEach(
              name -> {
                String key = name.getElement(1, ConfigurationPropertyName.Form.UNIFORM);
                if (!found.containsKey(key)) {
                  List<String> value =
                      binder.bind(name, Bindable.listOf(String.class)).orElse(List.of());
                  found.put(key, String.join(",", value));
                }
              });
    }
    return found;
  }

  /**
   * A builder of the runtime's settings with {@code properties} (as {@link #read} returns them)
   * set.
   *
   * @throws IllegalArgumentException naming the property and what it accepts, for an unknown key or
   *     a bad value
   */
  static FarcallSettings.Builder builder(Map<String, String> properties) {
    FarcallSettings.Builder builder = FarcallSettings.builder();
    properties.forEach(
        (key, value) -> {
          if (OWN.contains(key)) {
            return;
          }
          if (!FarcallSettings.OPTION_NAMES.containsKey(key)) {
            throw new IllegalArgumentException(
                "Spring property '"
                    + PREFIX
                    + "."
                    + key
                    + "' is not a Farcall option; known options: "
                    + String.join(", ", FarcallSettings.OPTION_NAMES.keySet())
                    + ", "
                    + ENABLED
                    + ", "
                    + LOGLEVEL);
          }
          try {
            builder.option(key, value);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "Spring property '" + PREFIX + "." + key + "': " + e.getMessage(), e);
          }
        });
    return builder;
  }

  /** The {@code farcall.loglevel} property, upper case; null if not set. */
  static String logLevel(Map<String, String> properties) {
    String level = properties.get(LOGLEVEL);
    return level == null ? null : level.trim().toUpperCase(Locale.ROOT);
  }
}
