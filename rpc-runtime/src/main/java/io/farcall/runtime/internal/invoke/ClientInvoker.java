package io.farcall.runtime.internal.invoke;

import io.farcall.ClientInterceptor;
import io.farcall.LoadBalance;
import io.farcall.Metadata;
import io.farcall.RpcException;
import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.discovery.Endpoint;
import io.farcall.runtime.internal.discovery.ServiceDirectory;
import io.farcall.runtime.internal.metrics.CallMetrics;
import io.farcall.runtime.internal.transport.ClientTransport;
import io.farcall.runtime.internal.transport.Connection;
import io.farcall.runtime.internal.transport.RequestKey;
import io.farcall.runtime.internal.transport.Tls;
import io.netty.util.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The consumer side of one service: turns a stub's method call into a {@link ClientCall} and, for a
 * synchronous method, waits for its outcome. One per service per runtime; thread-safe.
 */
public final class ClientInvoker {
  private static final Logger log = LogManager.getLogger(ClientInvoker.class);

  final ServiceDescriptor service;
  final ServiceDirectory directory;
  final ClientTransport transport;
  final BodyCodec codec;
  final Timer timer;
  final Executor callbackExecutor;
  final ProviderHealth health;
  final RetryBudget retryBudget;
  final LoadBalancer balancer;
  private final long defaultTimeoutNanos;

  /** Each method's service and method header fields, encoded once; by method index. */
  private final RequestKey[] requestKeys;

  /** Each method's metrics, by method index; null entries without metrics. */
  private final CallMetrics[] metrics;

  /**
   * Each provider's connection, so that a call neither builds an address string nor looks it up;
   * the transport keeps one connection per address for its life, so an entry never goes stale.
   */
  private final Map<Endpoint, Connection> connections = new ConcurrentHashMap<>();

  /** Entries kept in {@link #connections} at most; providers that re-register add new ones. */
  private static final int MAX_CACHED_CONNECTIONS = 1024;

  /** A list the directory gave, and what of it this runtime may call. */
  private record Callable(List<Endpoint> listed, List<Endpoint> callable, String refusal) {}

  private volatile Callable callable = new Callable(List.of(), List.of(), null);

  /** Why the last list's providers this runtime may not call are refused, or null for none. */
  String refusal() {
    return callable.refusal();
  }

  /**
   * The providers of {@code listed} this runtime may call (see {@link TlsChoice}); worked out once
   * per list the directory gives, with a warning for the others.
   */
  private List<Endpoint> callable(List<Endpoint> listed) {
    Callable c = callable;
    if (c.listed() == listed) {
      return c.callable();
    }
    List<Endpoint> usable = new ArrayList<>(listed.size());
    String refusal = null;
    Tls tls = transport.tls();
    for (Endpoint e : listed) {
      String why = TlsChoice.refusal(e, tls);
      if (why == null) {
        usable.add(e);
        continue;
      }
      if (c.refusal() == null || !c.refusal().contains(why)) {
        log.warn("not calling {} there: {}", service.name(), why);
      }
      refusal = refusal == null ? why : refusal + "; " + why;
    }
    // The same list while nothing is refused: endpoints() compares lists by identity.
    usable = refusal == null ? listed : List.copyOf(usable);
    callable = new Callable(listed, usable, refusal);
    return usable;
  }

  /** The last non-empty provider list the directory gave, for {@link #endpoints()}. */
  private volatile List<Endpoint> lastSeen = List.of();

  private volatile boolean distrusting;

  /** The service's client interceptors, outermost first. */
  final ClientInterceptor[] interceptors;

  /** Whether any of them overrides {@code onEnd}: else asynchronous calls need no end hook. */
  final boolean interceptorsObserveEnd;

  /** The interceptors, if each may be dormant: then calls skip them while all are. */
  private final Dormant[] dormant;

  /**
   * @param interceptors the service's client interceptors, outermost first
   */
  public ClientInvoker(
      ServiceDescriptor service,
      ServiceDirectory directory,
      ClientResources r,
      List<ClientInterceptor> interceptors) {
    this.interceptors = CallSteps.chain(interceptors, new ClientInterceptor[0]);
    this.interceptorsObserveEnd = CallSteps.observeEnd(interceptors);
    this.dormant = Dormant.all(this.interceptors);
    this.service = service;
    this.directory = directory;
    this.transport = r.transport;
    this.codec = r.codec;
    this.timer = r.timer;
    this.callbackExecutor = r.callbackExecutor;
    this.health = r.health;
    this.retryBudget = r.retryBudget;
    LoadBalance kind =
        service.loadBalance() == LoadBalance.DEFAULT ? r.defaultLoadBalance : service.loadBalance();
    this.balancer = LoadBalancer.of(kind, ClientInvoker::weight, health);
    this.defaultTimeoutNanos = r.defaultTimeout.toNanos();
    this.requestKeys = new RequestKey[service.methods().size()];
    this.metrics = new CallMetrics[service.methods().size()];
    for (MethodDescriptor m : service.methods()) {
      requestKeys[m.index()] = new RequestKey(service.name(), m.key());
      metrics[m.index()] = r.metrics.client(service.name(), m.key(), m.exceptionTypes());
    }
  }

  /** The metrics of {@code method}, or null without metrics. */
  CallMetrics metrics(MethodDescriptor method) {
    return metrics[method.index()];
  }

  Connection connection(Endpoint e) {
    Connection c = connections.get(e);
    if (c == null) {
      c = TlsChoice.connection(transport, e);
      if (connections.size() >= MAX_CACHED_CONNECTIONS) {
        connections.clear();
      }
      connections.put(e, c);
    } else {
      transport.checkOpen();
    }
    return c;
  }

  RequestKey requestKey(MethodDescriptor method) {
    return requestKeys[method.index()];
  }

  static int weight(Endpoint e) {
    return e.weight();
  }

  /**
   * The providers to choose from. A pushed list that suddenly drops every provider while this JVM
   * still has healthy connections to some of them is not believed (a registry glitch must not stop
   * calls): those providers stay in use until their connections fail.
   */
  List<Endpoint> endpoints() {
    List<Endpoint> fresh = callable(directory.endpoints());
    if (!fresh.isEmpty()) {
      // The directory hands out the same list until it changes: write only then (no shared-cache
      // line ping-pong between callers on every call).
      if (fresh != lastSeen) {
        lastSeen = fresh;
      }
      if (distrusting) {
        distrusting = false;
      }
      return fresh;
    }
    List<Endpoint> previous = lastSeen;
    if (previous.isEmpty()) {
      return fresh;
    }
    List<Endpoint> healthy = new ArrayList<>(previous.size());
    for (Endpoint e : previous) {
      if (transport.isConnected(e.host(), e.port())) {
        healthy.add(e);
      }
    }
    if (healthy.isEmpty()) {
      lastSeen = List.of();
      distrusting = false;
      return fresh;
    }
    if (!distrusting) {
      distrusting = true;
      log.warn(
          "the registry lists no provider of {}, but connections to {} of them are healthy; using"
              + " those until they fail",
          service.name(),
          healthy.size());
    }
    return healthy;
  }

  public ServiceDescriptor service() {
    return service;
  }

  /**
   * Calls {@code method} remotely. An asynchronous method gets its {@link
   * java.util.concurrent.CompletableFuture} at once; a synchronous one blocks until the reply or
   * the deadline, then returns the value or throws what the call ended with: the application's own
   * exception, or an {@link RpcException}.
   */
  public Object invoke(MethodDescriptor method, Object[] args) throws Throwable {
    long now = System.nanoTime();
    long timeout = method.timeoutNanos() > 0 ? method.timeoutNanos() : defaultTimeoutNanos;
    long deadline = now + timeout;
    CallContext.Served served = CallContext.served();
    long inherited = CallContext.deadlineNanos(served);
    if (inherited != 0 && inherited - deadline < 0) {
      deadline = inherited; // a nested call never outlives the call it serves
    }
    // A served call whose deadline passed fails below as DeadlineExceeded; one whose caller
    // cancelled it while time was left fails here, before anything is sent.
    if (deadline - now > 0 && CallContext.cancelled(served)) {
      throw new RpcException(
          "not calling "
              + service.name()
              + ": the remote call this thread serves was cancelled by its caller");
    }
    if (!method.isAsync() && CallContext.onIoThread(served)) {
      throw new RpcException(
          "not calling "
              + service.name()
              + "."
              + method.key()
              + ": a synchronous remote call from @NonBlocking provider code would block its I/O"
              + " thread; call an asynchronous (CompletableFuture) method instead");
    }
    Metadata metadata = CallContext.inherited(served);
    ClientCall call =
        Dormant.intercepts(interceptors, dormant)
            ? new InterceptedClientCall(this, method, args, deadline, metadata)
            : new ClientCall(this, method, args, deadline, metadata);
    return call.run();
  }
}
