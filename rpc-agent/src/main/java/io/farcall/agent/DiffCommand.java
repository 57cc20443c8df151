package io.farcall.agent;

import io.farcall.runtime.FarcallOps;
import io.farcall.runtime.FarcallOps.Provider;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code diff SERVICE}: which providers of the service have which contract (its interface's methods
 * and the shapes of the types they use), and how the contracts differ. Succeeds only if every
 * provider has the same one, as {@code diff} does when its inputs agree.
 */
final class DiffCommand {
  private DiffCommand() {}

  static int run(FarcallOps ops, String service, PrintStream out, PrintStream err) {
    List<Provider> providers = PingCommand.providersOf(ops, service, err);
    if (providers == null) {
      return Cli.FAILED;
    }
    CliOutput.diff(service, providers).forEach(out::println);
    return CliOutput.byContract(providers).size() == 1 ? Cli.OK : Cli.FAILED;
  }
}
