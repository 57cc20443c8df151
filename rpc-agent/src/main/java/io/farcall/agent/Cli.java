package io.farcall.agent;

import io.farcall.RpcException;
import io.farcall.runtime.FarcallOps;
import io.farcall.runtime.FarcallOps.RegistryUnavailableException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/**
 * The operations command line, the agent jar's {@code Main-Class}: {@code java -jar rpc-agent.jar
 * list | ping SERVICE | diff SERVICE | top [SERVICE] | zookeeper}. Results go to standard output,
 * errors to standard error, and the exit status says how it went (see {@link #HELP}).
 */
public final class Cli {
  static final int OK = 0;

  /** The command ran and found a problem: a provider did not answer, no such service, ... */
  static final int FAILED = 1;

  static final int USAGE = 2;
  static final int NO_REGISTRY = 3;

  static final String USAGE_TEXT =
      """
      usage: java -jar rpc-agent.jar list [--registry CONNECT] [--basepath PATH]
             java -jar rpc-agent.jar ping SERVICE [--registry CONNECT] [--basepath PATH] [--timeout T]
                                     [--tlsca FILE [--tlscert FILE --tlskey FILE]]
             java -jar rpc-agent.jar diff SERVICE [--registry CONNECT] [--basepath PATH]
             java -jar rpc-agent.jar top [SERVICE] [--registry CONNECT] [--basepath PATH]
                                     [--interval T] [--count N]
             java -jar rpc-agent.jar zookeeper [--port PORT] [--stdin]
             java -jar rpc-agent.jar --help""";

  static final String HELP =
      """
      Farcall operations: what the registry holds, and whether providers answer.

      %s

      Commands:
        list            every service in the registry, with each provider's address,
                        registration time (UTC), instance id and contract fingerprint;
                        a service whose providers' contracts differ is marked
        diff SERVICE    which providers of SERVICE have which contract (methods and the
                        shapes of their types) and how they differ; succeeds only if all
                        providers have the same
        ping SERVICE    ask every provider of SERVICE whether it serves it, and print each
                        round-trip time; succeeds only if there is a provider and all answer ok
        top [SERVICE]   a live table of every service (or SERVICE) with each provider's
                        calls/s, errors/s, p99 and calls in flight over the last interval,
                        read from the providers' admin endpoints (option adminport);
                        redrawn every interval on a terminal, until Ctrl-C or --count
        zookeeper       run a development ZooKeeper on 127.0.0.1 in the foreground; it prints
                        one line once it listens and stops on Ctrl-C or SIGTERM
        help            this text

      Options:
        --registry CONNECT  ZooKeeper connect string, host:port[,host:port...][/chroot]
                            (default %s); nothing is started if no ZooKeeper answers
        --basepath PATH     ZooKeeper path the services are registered under (default %s)
        --timeout T         ping: time each provider has to connect and answer, e.g. 500ms,
                            3s (a bare number is milliseconds; default %d ms)
        --tlsca FILE        ping: PEM authorities to trust, to ping providers that speak TLS
        --tlscert FILE, --tlskey FILE
                            ping: PEM certificate and key to show providers that ask for one
        --interval T        top: time between tables (default %s; at least 100ms)
        --count N           top: stop after N tables (default: until stopped)
        --port PORT         zookeeper: port to listen on (default %d)
        --stdin             zookeeper: also stop when standard input ends
        --verbose, -v       log what the libraries do, to standard error
        --help, -h          this text

      Exit status:
        0  success
        1  the command found a problem: a provider did not answer ok, the providers'
           contracts differ, the service is unknown or has no providers, or ZooKeeper could
           not be started or read
        2  the command line is wrong
        3  no registry answered at the --registry address
      """
          .formatted(
              USAGE_TEXT,
              CliArgs.DEFAULT_REGISTRY,
              CliArgs.DEFAULT_BASE_PATH,
              CliArgs.DEFAULT_TIMEOUT.toMillis(),
              CliOutput.interval(CliArgs.DEFAULT_INTERVAL),
              CliArgs.DEFAULT_PORT);

  private static final String LOG_PREFIX = "org.apache.logging.log4j.simplelog.";

  private Cli() {}

  /**
   * The TLS a ping speaks to providers that do, from {@code --tlsca}, {@code --tlscert} and {@code
   * --tlskey}; null without them.
   */
  static io.farcall.runtime.FarcallSettings tls(CliArgs args) {
    if (args.tlsCa() == null && args.tlsCert() == null) {
      return null;
    }
    io.farcall.runtime.FarcallSettings.Builder b =
        io.farcall.runtime.FarcallSettings.builder()
            .tls(io.farcall.runtime.FarcallSettings.TlsMode.PERMISSIVE);
    if (args.tlsCa() != null) {
      b.tlsTrusted(args.tlsCa());
    }
    if (args.tlsCert() != null) {
      b.tlsCertificate(args.tlsCert(), args.tlsKey());
    }
    return b.settings();
  }

  public static void main(String[] args) {
    CliArgs parsed;
    try {
      parsed = CliArgs.parse(args);
    } catch (CliArgs.UsageException e) {
      System.err.println("farcall: " + e.getMessage());
      System.err.println(USAGE_TEXT);
      System.exit(USAGE);
      return;
    }
    configureLogging(parsed);
    int status = run(parsed, System.in, System.out, System.err);
    System.out.flush();
    // ZooKeeper and Curator may leave non-daemon threads behind; the command is over.
    System.exit(status);
  }

  /** Runs a parsed command line and returns its exit status. */
  static int run(CliArgs args, InputStream in, PrintStream out, PrintStream err) {
    try {
      switch (args.command()) {
        case HELP -> {
          out.print(HELP);
          return OK;
        }
        case ZOOKEEPER -> {
          return ZooKeeperCommand.run(args.port(), args.stdin(), in, out, err);
        }
        default -> {}
      }
      FarcallOps ops;
      try {
        ops =
            FarcallOps.connect(
                args.registry(), args.basePath(), FarcallOps.DEFAULT_CONNECT_TIMEOUT, tls(args));
      } catch (RegistryUnavailableException e) {
        err.println(
            "farcall: no registry answered at "
                + e.registry()
                + "; is ZooKeeper running there? (give its address with --registry)");
        if (args.verbose()) {
          err.println("farcall: " + e.getMessage());
        }
        return NO_REGISTRY;
      }
      try (ops) {
        return switch (args.command()) {
          case PING -> PingCommand.run(ops, args.service(), args.timeout(), out, err);
          case DIFF -> DiffCommand.run(ops, args.service(), out, err);
          case TOP -> TopCommand.run(ops, args, out, err);
          default -> ListCommand.run(ops, out, err);
        };
      }
    } catch (RpcException e) {
      err.println("farcall: " + e.getMessage());
      return FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("farcall: interrupted");
      return FAILED;
    }
  }

  /**
   * Quiet unless {@code --verbose}: the command reports what matters itself, and the libraries'
   * warnings about an absent ZooKeeper would only repeat it. A development ZooKeeper still reports
   * its errors. The property names are relocated with the logging API when the jar is built, so
   * they only configure the jar's own copy (see {@link AgentLogging}).
   */
  private static void configureLogging(CliArgs args) {
    String level;
    if (args.verbose()) {
      level = "INFO";
    } else {
      level = args.command() == CliArgs.Command.ZOOKEEPER ? "ERROR" : "OFF";
    }
    for (String key : List.of("level", "showdatetime", "dateTimeFormat", "showShortLogname")) {
      String value =
          switch (key) {
            case "level" -> level;
            case "dateTimeFormat" -> "HH:mm:ss.SSS";
            default -> "true";
          };
      if (System.getProperty(LOG_PREFIX + key) == null) {
        System.setProperty(LOG_PREFIX + key, value);
      }
    }
  }
}
