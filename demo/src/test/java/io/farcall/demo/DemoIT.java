package io.farcall.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the demo exactly as the README says, {@code java -jar demo/target/farcall-demo.jar} from the
 * source tree's root, in a child process.
 */
class DemoIT {
  private static final Pattern STARTED =
      Pattern.compile("^\\[launcher\\] started (\\S+) \\(pid (\\d+)\\)$");

  @Test
  void theReadmeCommandRunsTheWholeDemoAndLeavesNoProcessBehind() throws Exception {
    Path jar = Path.of(System.getProperty("farcall.demoJar"));
    Path root = Path.of(System.getProperty("farcall.sourceRoot"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process launcher =
        new ProcessBuilder(
                java.toString(),
                "-jar",
                root.relativize(jar.toAbsolutePath().normalize()).toString())
            .directory(root.toFile())
            .redirectErrorStream(true)
            .start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> readLines(launcher, lines), "demo-output");
    reader.start();
    boolean finished;
    try {
      finished = launcher.waitFor(90, TimeUnit.SECONDS);
    } finally {
      if (launcher.isAlive()) {
        launcher.descendants().forEach(ProcessHandle::destroyForcibly);
        launcher.destroyForcibly();
      }
      reader.join(5000);
      // Whatever happened, leave nothing running.
      for (long pid : startedPids(lines)) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }

    String output = String.join("\n", lines);
    assertThat(finished).as("the demo ended within 90 s:\n%s", output).isTrue();
    assertThat(launcher.exitValue()).as("exit status; output:\n%s", output).isZero();
    assertThat(lines)
        .as("output")
        .anyMatch(l -> l.startsWith("[launcher] started consumer (pid "))
        .anyMatch(l -> l.startsWith("[launcher] started provider-A (pid "))
        .anyMatch(l -> l.startsWith("[launcher] started provider-B (pid "))
        .contains("[provider-A] READY provider-A", "[provider-B] READY provider-B")
        .anyMatch(
            l ->
                l.startsWith(
                    "[consumer] users.login(\"alice\", \"wonderland\") -> Optional[User[id=1, name=alice]]"))
        .anyMatch(
            l ->
                l.startsWith(
                    "[consumer] friends.friends(1) -> [User[id=2, name=bob], User[id=3, name=carol]]"))
        .contains("[consumer] calculator.divide(84, 2) -> 42")
        .anyMatch(
            l -> l.startsWith("[consumer] both providers served: pings answered by {provider-A="))
        .contains(
            "[consumer]   threw io.farcall.demo.api.InvalidOperation: DIVIDE: cannot divide 1 by 0",
            "[consumer]   fields: op=DIVIDE, why=\"cannot divide 1 by 0\"",
            "[consumer] InvalidOperation arrived as itself")
        .anyMatch(l -> l.matches("\\[launcher\\] killing provider-B \\(pid \\d+\\) with SIGKILL"))
        .contains("[launcher] provider-B is dead")
        .anyMatch(
            l ->
                l.startsWith(
                    "[consumer] after the kill: 20 of 20 calls succeeded, pings answered by {provider-A=5}"))
        .anyMatch(l -> l.startsWith("[launcher] demo succeeded in "))
        .noneMatch(l -> l.contains("UNEXPECTED"));

    List<Long> pids = startedPids(lines);
    assertThat(pids).hasSize(3);
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive))
          .as("process %d still runs", pid)
          .isEmpty();
    }
  }

  private static void readLines(Process process, List<String> lines) {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        lines.add(line);
        System.out.println(line);
      }
    } catch (IOException e) {
      lines.add("(output unreadable: " + e + ")");
    }
  }

  private static List<Long> startedPids(List<String> lines) {
    List<Long> pids = new ArrayList<>();
    for (String line : lines) {
      Matcher m = STARTED.matcher(line);
      if (m.matches()) {
        pids.add(Long.parseLong(m.group(2)));
      }
    }
    return pids;
  }
}
