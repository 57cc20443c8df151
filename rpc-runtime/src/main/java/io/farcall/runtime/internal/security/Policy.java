package io.farcall.runtime.internal.security;

import io.farcall.PermissionDeniedException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may call what, as a provider's policy file says, one rule a line:
 *
 * <pre>
 * # service            method    callers
 * acme.shop.Inventory  *         spiffe://acme/checkout, spiffe://acme/admin
 * acme.shop.Inventory  restock   spiffe://acme/warehouse
 * *                    *         spiffe://acme/admin
 * </pre>
 *
 * <p>A call is allowed when some rule matches its service (or says {@code *}), its method's name
 * (or {@code *}; overloads share a name) and its caller's identity; a caller {@code *} is any
 * caller that authenticated, and {@value PermissionDeniedException#ANONYMOUS} one that did not.
 * Everything else is refused. Immutable; a check allocates nothing.
 */
final class Policy {
  static final String ANY = "*";

  private static final Pattern METHOD = Pattern.compile("\\*|[\\p{L}_$][\\p{L}\\p{N}_$]*");

  /** Service, then method name, then callers; {@link #ANY} for any service or method. */
  private final Map<String, Map<String, Set<String>>> rules;

  private final int size;

  private Policy(Map<String, Map<String, Set<String>>> rules, int size) {
    this.rules = rules;
    this.size = size;
  }

  /**
   * The policy a file's text states.
   *
   * @throws IllegalArgumentException naming the line that is not a rule
   */
  static Policy parse(String text) {
    Map<String, Map<String, Set<String>>> rules = new HashMap<>();
    int size = 0;
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String rule = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (rule.isEmpty()) {
        continue;
      }
      String[] parts = rule.split("\\s+", 3);
      if (parts.length < 3) {
        throw new IllegalArgumentException(
            "line " + (i + 1) + ": expected a service, a method and callers, got '" + rule + "'");
      }
      if (!METHOD.matcher(parts[1]).matches()) {
        throw new IllegalArgumentException(
            "line " + (i + 1) + ": '" + parts[1] + "' is neither * nor a method name");
      }
      Set<String> callers =
          rules
              .computeIfAbsent(parts[0], s -> new HashMap<>())
              .computeIfAbsent(parts[1], m -> new HashSet<>());
      for (String caller : parts[2].split(",")) {
        String c = caller.strip();
        if (c.isEmpty() || c.chars().anyMatch(Character::isWhitespace)) {
          throw new IllegalArgumentException(
              "line " + (i + 1) + ": callers are separated by commas, got '" + parts[2] + "'");
        }
        callers.add(c);
      }
      size++;
    }
    Map<String, Map<String, Set<String>>> frozen = new HashMap<>();
    rules.forEach(
        (service, methods) -> {
          Map<String, Set<String>> m = new HashMap<>();
          methods.forEach((method, callers) -> m.put(method, Set.copyOf(callers)));
          frozen.put(service, Map.copyOf(m));
        });
    return new Policy(Map.copyOf(frozen), size);
  }

  /** How many rules it has. */
  int size() {
    return size;
  }

  /** Whether {@code identity} may call the method named {@code method} of {@code service}. */
  boolean allows(String service, String method, String identity) {
    return allowedIn(rules.get(service), method, identity)
        || allowedIn(rules.get(ANY), method, identity);
  }

  private static boolean allowedIn(Map<String, Set<String>> methods, String method, String who) {
    return methods != null && (admits(methods.get(method), who) || admits(methods.get(ANY), who));
  }

  private static boolean admits(Set<String> callers, String identity) {
    return callers != null
        && (callers.contains(identity)
            || (callers.contains(ANY) && !identity.equals(PermissionDeniedException.ANONYMOUS)));
  }
}
