package io.farcall.agent;

import io.farcall.agent.ProviderMetrics.Scrape;
import io.farcall.agent.TopView.Group;
import io.farcall.agent.TopView.Row;
import io.farcall.runtime.FarcallOps;
import io.farcall.runtime.FarcallOps.Provider;
import java.io.Console;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code top [SERVICE]}: a live table of the registry's services with each provider's calls per
 * second, errors per second, p99 and calls in flight, read from the providers' admin endpoints
 * (where their registrations say they are) every interval. On a terminal each table replaces the
 * last; otherwise the tables follow one another, a blank line apart.
 */
final class TopCommand {
  /** Cursor home and erase the screen. */
  private static final String CLEAR = "\033[H\033[2J";

  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** The longest a provider's scrape may take, however long the interval. */
  private static final Duration MAX_SCRAPE = Duration.ofSeconds(3);

  /** One endpoint's scrape, or why there is none. */
  private record Read(Scrape scrape, String problem) {}

  private TopCommand() {}

  static int run(FarcallOps ops, CliArgs args, PrintStream out, PrintStream err)
      throws InterruptedException {
    String service = args.service();
    if (service != null && PingCommand.providersOf(ops, service, err) == null) {
      return Cli.FAILED;
    }
    Duration interval = args.interval();
    Duration scrapeTimeout = interval.compareTo(MAX_SCRAPE) < 0 ? interval : MAX_SCRAPE;
    ProviderMetrics metrics = new ProviderMetrics(scrapeTimeout);
    boolean terminal = interactive();
    Map<String, Read> previous = scrapeAll(metrics, services(ops, service), scrapeTimeout);
    long next = System.nanoTime() + interval.toNanos();
    for (int shown = 0; args.count() == CliArgs.UNTIL_STOPPED || shown < args.count(); shown++) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait); // the refresh cadence itself
      }
      next += interval.toNanos();
      Map<String, List<Provider>> services = services(ops, service);
      Map<String, Read> current = scrapeAll(metrics, services, scrapeTimeout);
      List<Group> groups = groups(services, previous, current);
      if (terminal) {
        out.print(CLEAR);
      } else if (shown > 0) {
        out.println();
      }
      out.println(
          "farcall top   "
              + ops.registry()
              + " "
              + ops.basePath()
              + "   every "
              + CliOutput.interval(interval)
              + "   "
              + CLOCK.format(Instant.now()));
      TopView.table(groups).forEach(out::println);
      out.flush();
      previous = current;
    }
    return Cli.OK;
  }

  private static Map<String, List<Provider>> services(FarcallOps ops, String service) {
    Map<String, List<Provider>> all = ops.services();
    if (service == null) {
      return all;
    }
    Map<String, List<Provider>> one = new LinkedHashMap<>();
    one.put(service, all.getOrDefault(service, List.of()));
    return one;
  }

  /** The admin endpoint of {@code p}, as {@code host:port}; null if it registered none. */
  private static String endpoint(Provider p) {
    return p.adminPort() < 0 ? null : p.host() + ":" + p.adminPort();
  }

  /**
   * Scrapes every distinct admin endpoint among the providers once, all at the same time: by
   * endpoint, what it read.
   */
  private static Map<String, Read> scrapeAll(
      ProviderMetrics metrics, Map<String, List<Provider>> services, Duration timeout)
      throws InterruptedException {
    Map<String, CompletableFuture<Scrape>> pending = new LinkedHashMap<>();
    for (List<Provider> providers : services.values()) {
      for (Provider p : providers) {
        String endpoint = endpoint(p);
        if (endpoint != null && !pending.containsKey(endpoint)) {
          pending.put(endpoint, metrics.scrape(p.host(), p.adminPort(), timeout));
        }
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
    Map<String, Read> results = new HashMap<>();
    for (Map.Entry<String, CompletableFuture<Scrape>> e : pending.entrySet()) {
      Read read;
      try {
        read =
            new Read(
                e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS),
                null);
      } catch (ExecutionException failed) {
        read = new Read(null, why(failed.getCause()));
      } catch (TimeoutException slow) {
        e.getValue().cancel(true);
        read = new Read(null, "unreachable: no answer within " + CliOutput.interval(timeout));
      }
      results.put(e.getKey(), read);
    }
    return results;
  }

  private static String why(Throwable t) {
    while ((t instanceof java.util.concurrent.CompletionException
            || t instanceof java.io.UncheckedIOException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof ProviderMetrics.UnreadableException) {
      return t.getMessage();
    }
    if (t instanceof ConnectException) {
      return "unreachable: connection refused";
    }
    if (t instanceof HttpTimeoutException) {
      return "unreachable: no answer in time";
    }
    return "unreachable: " + t;
  }

  private static List<Group> groups(
      Map<String, List<Provider>> services, Map<String, Read> previous, Map<String, Read> current) {
    List<Group> groups = new ArrayList<>();
    services.forEach(
        (service, providers) -> {
          List<Row> rows = new ArrayList<>();
          for (Provider p : providers) {
            String endpoint = endpoint(p);
            Read now = endpoint == null ? null : current.get(endpoint);
            if (now == null) {
              rows.add(Row.problem(p.address(), "no admin endpoint (start it with adminport)"));
            } else if (now.scrape() == null) {
              rows.add(Row.problem(p.address(), now.problem()));
            } else {
              Read before = previous.get(endpoint);
              rows.add(
                  TopView.row(
                      service, p.address(), before == null ? null : before.scrape(), now.scrape()));
            }
          }
          groups.add(new Group(service, rows));
        });
    return groups;
  }

  /**
   * Whether standard output is a terminal, to be redrawn in place. From JDK 22 a console exists
   * even when output is redirected, and only {@code Console.isTerminal} says; before, it exists
   * only on a terminal.
   */
  private static boolean interactive() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException e) {
      return true;
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }
}
