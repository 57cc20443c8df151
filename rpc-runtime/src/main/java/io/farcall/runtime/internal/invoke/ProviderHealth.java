package io.farcall.runtime.internal.invoke;

import io.farcall.runtime.internal.discovery.Endpoint;
import io.farcall.runtime.internal.metrics.RuntimeMetrics;
import io.farcall.runtime.internal.transport.ClientTransport;
import io.netty.util.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * What this JVM knows about each provider process (by address): calls outstanding to it, for the
 * least-loaded balancer, and whether it keeps failing. A provider that fails {@link #EJECT_AFTER}
 * times in a row (broken connections, calls that reach their deadline) is taken out of rotation for
 * a back-off that doubles with each ejection; when the back-off ends, a heartbeat that names the
 * service probes it, and only an answer puts it back. If every provider is ejected, they are all
 * used anyway: a guess beats certain failure. Thread-safe.
 */
final class ProviderHealth {
  static final int EJECT_AFTER = 5;
  private static final long BASE_EJECTION_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long MAX_EJECTION_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final Logger log = LogManager.getLogger(ProviderHealth.class);

  private static final long PROBE_TIMEOUT_MILLIS = 2_000;

  private final ClientTransport transport;
  private final Timer timer;
  private final Map<String, Stats> stats = new ConcurrentHashMap<>();

  /** Endpoint to its process's stats, so the call path builds no address string. */
  private final Map<Endpoint, Stats> byEndpoint = new ConcurrentHashMap<>();

  private final RuntimeMetrics metrics;

  ProviderHealth(ClientTransport transport, Timer timer, RuntimeMetrics metrics) {
    this.transport = transport;
    this.timer = timer;
    this.metrics = metrics;
  }

  Stats of(Endpoint e) {
    Stats s = byEndpoint.get(e);
    if (s == null) {
      // Per process (address), not per registration: a provider that registers again is the same.
      s = stats.computeIfAbsent(e.address(), Stats::new);
      byEndpoint.put(e, s);
    }
    return s;
  }

  /**
   * The candidates not ejected (all of them if every one is); probes those whose back-off ended.
   */
  List<Endpoint> usable(List<Endpoint> candidates, String service) {
    long now = System.nanoTime();
    List<Endpoint> usable = null;
    for (int i = 0; i < candidates.size(); i++) {
      Endpoint e = candidates.get(i);
      Stats s = of(e);
      if (s.isEjected()) {
        s.probeIfDue(now, e, service);
        if (usable == null) {
          usable = new ArrayList<>(candidates.subList(0, i));
        }
      } else if (usable != null) {
        usable.add(e);
      }
    }
    if (usable == null) {
      return candidates;
    }
    return usable.isEmpty() ? candidates : usable;
  }

  /** Per provider process. */
  final class Stats {
    final String address;
    final AtomicInteger outstanding = new AtomicInteger();
    // Read on every call without a lock (written under this object's lock).
    private volatile int consecutiveFailures;
    private volatile long ejectedUntilNanos;
    private int ejections;
    private long readmittedAtNanos;
    private boolean probing;
    private long probeGeneration;

    Stats(String address) {
      this.address = address;
    }

    boolean isEjected() {
      return ejectedUntilNanos != 0;
    }

    void onSuccess() {
      // Every call ends here: take the lock only when there is something to reset.
      if (consecutiveFailures != 0) {
        synchronized (this) {
          consecutiveFailures = 0;
        }
      }
    }

    synchronized void onFailure() {
      if (ejectedUntilNanos != 0) {
        return;
      }
      if (++consecutiveFailures >= EJECT_AFTER) {
        eject("after " + consecutiveFailures + " failures in a row");
      }
    }

    /** Guarded by this. */
    private void eject(String why) {
      long now = System.nanoTime();
      // A provider that fails again soon after coming back stays out longer each time.
      if (readmittedAtNanos != 0 && now - readmittedAtNanos > 2 * MAX_EJECTION_NANOS) {
        ejections = 0;
      }
      ejections++;
      long backoff =
          Math.min(MAX_EJECTION_NANOS, BASE_EJECTION_NANOS << Math.min(ejections - 1, 10));
      ejectedUntilNanos = now + backoff;
      consecutiveFailures = 0;
      log.warn(
          "provider {} ejected for {} ms {}", address, TimeUnit.NANOSECONDS.toMillis(backoff), why);
      metrics.ejected(address);
    }

    void probeIfDue(long now, Endpoint e, String service) {
      long generation;
      synchronized (this) {
        if (probing || ejectedUntilNanos == 0 || now - ejectedUntilNanos < 0) {
          return;
        }
        probing = true;
        generation = ++probeGeneration;
      }
      // A hung provider never answers: the probe then fails at its own deadline.
      timer.newTimeout(
          t -> probed(generation, false, "no answer within " + PROBE_TIMEOUT_MILLIS + " ms"),
          PROBE_TIMEOUT_MILLIS,
          TimeUnit.MILLISECONDS);
      TlsChoice.connection(transport, e)
          .probe(service)
          .whenComplete(
              (reply, error) -> {
                if (error != null) {
                  probed(generation, false, "its connection failed: " + error.getMessage());
                } else {
                  probed(generation, reply.serves(), "it answered " + reply.status());
                }
              });
    }

    private synchronized void probed(long generation, boolean healthy, String detail) {
      if (!probing || generation != probeGeneration) {
        return; // this probe already ended (answered, failed or timed out)
      }
      probing = false;
      if (healthy) {
        ejectedUntilNanos = 0;
        readmittedAtNanos = System.nanoTime();
        log.info("provider {} answered its probe; back in rotation", address);
        metrics.readmitted(address);
      } else {
        eject("again: probe failed, " + detail);
      }
    }
  }
}
