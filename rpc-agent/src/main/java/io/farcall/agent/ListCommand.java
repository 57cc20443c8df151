package io.farcall.agent;

import io.farcall.runtime.FarcallOps;
import io.farcall.runtime.FarcallOps.Provider;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** {@code list}: every service in the registry with its providers. */
final class ListCommand {
  private ListCommand() {}

  static int run(FarcallOps ops, PrintStream out, PrintStream err) {
    Map<String, List<Provider>> services = ops.services();
    if (services.isEmpty()) {
      out.println("no services registered under " + ops.basePath() + " at " + ops.registry());
      return Cli.OK;
    }
    CliOutput.services(services).forEach(out::println);
    return Cli.OK;
  }
}
