package io.farcall.runtime.testing;

import io.farcall.runtime.Farcall;
import java.io.IOException;

/**
 * A provider JVM for tests: exports a {@link GreeterImpl} named after its process id, prints {@code
 * READY} and serves until its standard input closes (so it also ends if the test JVM dies).
 *
 * <p>Arguments: the ZooKeeper connect string.
 */
public final class ProviderMain {
  private ProviderMain() {}

  public static void main(String[] args) throws IOException {
    try (Farcall farcall = Farcall.builder().registry(args[0]).build()) {
      farcall.export(new GreeterImpl("jvm-" + ProcessHandle.current().pid()));
      System.out.println("READY");
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for end of input
      }
    }
    System.out.println("STOPPED");
  }
}
