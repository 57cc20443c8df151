package io.farcall.agent.cli;

import io.farcall.runtime.Farcall;
import io.farcall.runtime.FarcallSettings;

/**
 * A provider process for the tests to kill: exports {@link Catalog} with the runtime API from the
 * agent jar, prints {@code READY <port>} and serves until its standard input closes.
 *
 * <p>Arguments: the registry connect string, the base path and, optionally, {@code admin} for an
 * admin endpoint on a free port.
 */
public final class CatalogProvider {
  private CatalogProvider() {}

  public static void main(String[] args) throws Exception {
    FarcallSettings.Builder builder = Farcall.builder().registry(args[0]).basePath(args[1]);
    if (args.length > 2 && args[2].equals("admin")) {
      builder.adminPort(0);
    }
    try (Farcall farcall = builder.build()) {
      farcall.export(new CatalogImpl());
      System.out.println("READY " + farcall.localAddress().getPort());
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the test closes our input (or kills us)
      }
    }
  }
}
