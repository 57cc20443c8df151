package io.farcall.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the packaged suite's smoke plan as a user would ({@code java -jar benchmarks.jar smoke}), so
 * that every section keeps working: every peer on every workload and mode, the argument sizes,
 * several providers, registration to routing, and the JMH codec benchmark. Asserts that each
 * produced figures and that no call failed; nothing about speed.
 */
class BenchSmokeIT {
  @Test
  void theSmokePlanRunsEverySectionWithoutAFailedCall() throws Exception {
    String jar = System.getProperty("farcall.benchJar");
    assertThat(jar).as("the packaged benchmarks.jar (set by the build)").isNotNull();
    Path out = Path.of("target", "bench-smoke");
    Path log = Path.of("target", "bench-smoke.log");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar,
                "smoke",
                "--out",
                out.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      p.getOutputStream().close();
      boolean finished = p.waitFor(10, TimeUnit.MINUTES);
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(finished).as("the smoke run finished; its output:%n%s", output).isTrue();
      assertThat(p.exitValue()).as("exit status; output:%n%s", output).isZero();
      String results = Files.readString(out.resolve("RESULTS.md"), StandardCharsets.UTF_8);
      for (String peer :
          List.of("farcall", "farcall-nonblocking", "grpc", "grpc-tuned", "netty-ceiling")) {
        for (String workload : List.of("existUser", "createUser", "getUser", "listUser")) {
          assertThat(results).contains("| " + workload + " | 32 | " + peer + " |");
        }
        assertThat(results).contains("| 1,048,576 | " + peer + " |");
      }
      assertThat(results).contains("| existUser | async128 | farcall |");
      assertThat(results).contains("| 2 | existUser |");
      assertThat(results).contains("From export() on a new provider");
      assertThat(results).contains("| listUser | farcall |").contains("| listUser | protobuf |");
      assertThat(new File(out.toFile(), "throughput-32-callers.svg")).isFile();
    } finally {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
