package io.farcall.agent.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the providers of a scenario recorded (see {@code acme.faults.ExecutionLog}): one file per
 * provider process in one directory, read after the fact, a killed provider's included.
 */
final class Executions {
  /** One recorded line: the call {@code token} started on {@code provider} at {@code millis}. */
  record Execution(String token, String provider, long startMillis, String detail) {}

  private final Map<String, List<Execution>> byToken;

  private Executions(Map<String, List<Execution>> byToken) {
    this.byToken = byToken;
  }

  static Executions read(Path dir) throws IOException {
    Map<String, List<Execution>> byToken = new HashMap<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".log")).toList();
    }
    for (Path file : files) {
      String provider = file.getFileName().toString().replaceFirst("\\.log$", "");
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] f = line.split("\t", 3);
        if (f.length < 3) {
          continue; // a line cut short by kill -9 cannot be; but never trust a crash
        }
        byToken
            .computeIfAbsent(f[0], t -> new ArrayList<>())
            .add(new Execution(f[0], provider, Long.parseLong(f[1]), f[2]));
      }
    }
    return new Executions(byToken);
  }

  /** How many times {@code token} started, on all providers together. */
  int count(String token) {
    return byToken.getOrDefault(token, List.of()).size();
  }

  List<Execution> of(String token) {
    return byToken.getOrDefault(token, List.of());
  }

  /** The non-idempotent calls among {@code calls} that started more than once, by token. */
  List<String> nonIdempotentRunMoreThanOnce(List<Load.Call> calls) {
    return runMoreThanOnce(
        calls.stream().filter(x -> !x.idempotent()).map(Load.Call::token).toList());
  }

  /** Of {@code tokens}, those that started more than once. */
  List<String> runMoreThanOnce(Collection<String> tokens) {
    return tokens.stream().filter(t -> count(t) > 1).toList();
  }

  Stream<Execution> all() {
    return byToken.values().stream().flatMap(List::stream);
  }
}
