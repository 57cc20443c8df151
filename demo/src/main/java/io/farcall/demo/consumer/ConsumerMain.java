package io.farcall.demo.consumer;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The consumer process, an ordinary application: it builds {@link Services} (the agent fills its
 * {@code @RemoteRef} fields) and runs the {@link Scenarios}, talking with the launcher through
 * {@link LauncherLink}. It reads the providers' names from the system property {@code
 * demo.providers} (comma-separated) and the one to kill from {@code demo.victim}.
 *
 * <p>Exit status 0 when every step went as it should, 1 otherwise.
 */
public final class ConsumerMain {
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

  private ConsumerMain() {}

  public static void main(String[] args) throws InterruptedException {
    List<String> providers =
        Arrays.asList(System.getProperty("demo.providers", "provider-A,provider-B").split(","));
    String victim = System.getProperty("demo.victim", providers.get(providers.size() - 1));
    LauncherLink launcher = new LauncherLink(System.in);

    Services services;
    try {
      services = new Services();
    } catch (RuntimeException e) {
      fail("Farcall could not start in the consumer: " + e.getMessage());
      return;
    }
    if (!services.filled()) {
      fail("the @RemoteRef fields are empty: start this JVM with -javaagent:rpc-agent.jar");
      return;
    }
    // Farcall runs here now, and with it the registry (embedded if this JVM was the first).
    launcher.send("READY");

    Scenarios scenarios = new Scenarios(services, launcher, providers, victim);
    scenarios.run();
    List<String> failures = scenarios.failures();
    launcher.send(failures.isEmpty() ? "DONE ok" : "DONE failed: " + String.join("; ", failures));
    // This JVM may host the machine's ZooKeeper: stay up until the launcher has stopped the
    // providers, so that they deregister cleanly.
    launcher.awaitEnd(EXIT_TIMEOUT);
    System.exit(failures.isEmpty() ? 0 : 1);
  }

  private static void fail(String message) {
    System.out.println("ERROR " + message);
    System.out.flush();
    System.exit(1);
  }
}
