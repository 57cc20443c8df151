package io.farcall.agent.cli;

import io.farcall.runtime.Farcall;

/**
 * A provider process for the tests to kill: exports {@link Catalog} with the runtime API from the
 * agent jar, prints {@code READY <port>} and serves until its standard input closes.
 *
 * <p>Arguments: the registry connect string and the base path.
 */
public final class CatalogProvider {
  private CatalogProvider() {}

  public static void main(String[] args) throws Exception {
    try (Farcall farcall = Farcall.builder().registry(args[0]).basePath(args[1]).build()) {
      farcall.export(new CatalogImpl());
      System.out.println("READY " + farcall.localAddress().getPort());
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the test closes our input (or kills us)
      }
    }
  }
}
