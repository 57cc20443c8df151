package io.farcall.agent;

import io.farcall.runtime.FarcallOps;
import io.farcall.runtime.FarcallOps.PingResult;
import io.farcall.runtime.FarcallOps.Provider;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code ping SERVICE}: asks every registered provider of the service whether it serves it, and
 * succeeds only if there is at least one and every one said yes.
 */
final class PingCommand {
  private PingCommand() {}

  static int run(
      FarcallOps ops, String service, Duration timeout, PrintStream out, PrintStream err) {
    List<Provider> providers = providersOf(ops, service, err);
    if (providers == null) {
      return Cli.FAILED;
    }
    List<PingResult> results = ops.ping(providers, timeout);
    CliOutput.pings(results).forEach(out::println);
    long failed = results.stream().filter(r -> !r.ok()).count();
    if (failed > 0) {
      err.println(
          "farcall: "
              + failed
              + " of "
              + results.size()
              + " providers of "
              + service
              + " did not answer ok");
      return Cli.FAILED;
    }
    return Cli.OK;
  }

  /**
   * The registered providers of {@code service}; null, after saying why on {@code err}, if the
   * service is unknown or has none.
   */
  static List<Provider> providersOf(FarcallOps ops, String service, PrintStream err) {
    Map<String, List<Provider>> services = ops.services();
    List<Provider> providers = services.get(service);
    String where = " under " + ops.basePath() + " at " + ops.registry();
    if (providers == null) {
      err.println(
          "farcall: no service named '"
              + service
              + "' is registered"
              + where
              + (services.isEmpty()
                  ? " (there are no services)"
                  : "; registered services: " + String.join(", ", services.keySet())));
      return null;
    }
    if (providers.isEmpty()) {
      err.println("farcall: " + service + " has no providers" + where);
      return null;
    }
    return providers;
  }
}
