package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.farcall.NoProviderException;
import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.ProviderMain;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SeparateJvmProviderTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  @Test
  void aProviderInAnotherJvmServesCallsAndLeavesTheRegistryWhenItStops() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process provider =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    ProviderMain.class.getName(),
                    zk.connectString()))
            .redirectErrorStream(true)
            .start();
    try (Farcall consumer = Farcall.builder().registry(zk.connectString()).build()) {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(provider.getInputStream(), StandardCharsets.UTF_8));
      Thread echo = echoUntilReady(out);
      echo.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(echo.isAlive()).as("provider JVM said READY within 60 s").isFalse();

      Greeter greeter = consumer.stub(Greeter.class);
      String who =
          Poll.until(
              () -> {
                try {
                  return greeter.whoAmI();
                } catch (RuntimeException e) {
                  return null; // not registered yet
                }
              },
              Objects::nonNull,
              Duration.ofSeconds(20));
      assertThat(who).isEqualTo("jvm-" + provider.pid());
      assertThat(greeter.add(20, 22)).isEqualTo(42);

      // Closing its input makes the provider close its runtime and exit.
      provider.getOutputStream().close();
      assertThat(provider.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(provider.exitValue()).isZero();
      // It deregistered on the way out: the consumer's directory learns it is gone.
      Throwable last =
          Poll.until(
              () -> catchThrowable(greeter::whoAmI),
              t -> t instanceof NoProviderException,
              Duration.ofSeconds(20));
      assertThat(last)
          .isInstanceOf(NoProviderException.class)
          .hasMessageContaining(Greeter.class.getName());
    } finally {
      provider.destroy();
      if (!provider.waitFor(10, TimeUnit.SECONDS)) {
        provider.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Copies the provider's output to ours until it says READY (then keeps draining it). */
  private static Thread echoUntilReady(BufferedReader out) {
    Thread reader =
        new Thread(
            () -> {
              try {
                String line;
                while ((line = out.readLine()) != null) {
                  System.out.println("[provider] " + line);
                  if (line.equals("READY")) {
                    break;
                  }
                }
              } catch (java.io.IOException e) {
                // the process ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    Thread drain =
        new Thread(
            () -> {
              try {
                reader.join();
                String line;
                while ((line = out.readLine()) != null) {
                  System.out.println("[provider] " + line);
                }
              } catch (Exception e) {
                // the process ended
              }
            });
    drain.setDaemon(true);
    drain.start();
    return reader;
  }
}
