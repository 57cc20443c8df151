package io.farcall.runtime.internal.discovery;

import static io.farcall.runtime.internal.discovery.ZooKeeperConnection.isConnectionProblem;
import static java.util.Objects.requireNonNull;

import io.farcall.RpcException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceType;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.zookeeper.data.Stat;

/**
 * Registration of a registry's provider instances: each is an ephemeral node {@code
 * <basePath>/<service>/<instance id>} written by Curator's service discovery, on the Curator client
 * it is handed. Providers stay registered across ZooKeeper session losses: Curator's discovery
 * registers the instances it knows again on every reconnection, {@link #submitPending} hands it
 * those registered while ZooKeeper was unreachable, and {@link #verify} (the periodic check)
 * registers again any instance whose node is missing or belongs to another session.
 *
 * <p>Thread-safe. {@link #register} runs on callers' threads, {@link #submitPending} and {@link
 * #verify} on the registry's maintenance thread, {@link Registration#close()} on any thread; each
 * registration's lock orders these against one another.
 */
final class Registrar {
  // Logs as Registry: operators' log settings name that logger.
  private static final Logger LOG = LogManager.getLogger(Registry.class);

  private final String basePath;
  private final String connectString;
  private final CuratorFramework client;
  private final ServiceDiscovery<Map<String, String>> discovery;
  private final Set<InstanceRegistration> registrations = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Whether the nodes registered under are closed to this provider's identity first. */
  private final boolean acls;

  Registrar(
      String basePath,
      String connectString,
      CuratorFramework client,
      ServiceDiscovery<Map<String, String>> discovery,
      boolean acls) {
    this.acls = acls;
    this.basePath = requireNonNull(basePath);
    this.connectString = requireNonNull(connectString);
    this.client = requireNonNull(client);
    this.discovery = requireNonNull(discovery);
  }

  /**
   * Registers one instance of {@code service} (a name the caller checked) listening on {@code
   * host:port}, with a fresh instance id: at once if ZooKeeper is reachable, else when it answers.
   *
   * @param onClose told the instance's endpoint when the registration closes, before its node is
   *     deleted
   * @throws RpcException if ZooKeeper answered but refused the registration
   */
  Registration register(
      String service,
      String host,
      int port,
      Map<String, String> metadata,
      Consumer<Endpoint> onClose) {
    requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, was " + port);
    }
    // A JDK map, so that stock Curator readers, which load the class named in "@class", can.
    Map<String, String> payload = new LinkedHashMap<>();
    requireNonNull(metadata, "metadata")
        .forEach((key, value) -> payload.put(requireNonNull(key), requireNonNull(value)));
    ServiceInstance<Map<String, String>> instance =
        new ServiceInstance<>(
            service,
            UUID.randomUUID().toString(),
            host,
            port,
            null,
            payload,
            System.currentTimeMillis(),
            ServiceType.DYNAMIC,
            null,
            true);
    InstanceRegistration registration = new InstanceRegistration(instance, onClose);
    // Added first, so that a catch-up after a connection that comes now sees it.
    registrations.add(registration);
    if (!connected()) {
      LOG.debug(
          "ZooKeeper at {} unreachable; {} at {}:{} will be registered when it answers",
          connectString,
          service,
          host,
          port);
    } else {
      try {
        registration.submit();
      } catch (Exception e) {
        if (isConnectionProblem(e)) {
          LOG.warn(
              "Could not register {} at {}:{} in ZooKeeper at {} yet ({}); it will be registered"
                  + " when ZooKeeper answers again",
              service,
              host,
              port,
              connectString,
              e.toString());
        } else {
          registration.close();
          if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
          }
          throw new RpcException(
              "Could not register "
                  + service
                  + " at "
                  + host
                  + ":"
                  + port
                  + " in ZooKeeper at "
                  + connectString
                  + ": "
                  + (e instanceof org.apache.zookeeper.KeeperException.InvalidACLException
                      ? "registryacl=true lets only an authenticated provider write, and this"
                          + " one has no ZooKeeper credentials (registrydigest, or a JAAS Client"
                          + " section for SASL)"
                      : e),
              e);
        }
      }
    }
    return registration;
  }

  /** The endpoints of the open registrations of {@code service}. */
  List<Endpoint> endpointsOf(String service) {
    return registrations.stream()
        .filter(r -> r.instance.getName().equals(service))
        .map(InstanceRegistration::endpoint)
        .toList();
  }

  /**
   * Hands Curator's discovery, and so registers, every instance it does not know yet: those
   * registered while ZooKeeper was unreachable. Runs on the maintenance thread, when connected.
   *
   * @throws Exception if ZooKeeper could not be reached (the next (re)connection tries again) or
   *     the thread was interrupted; a refusal is logged and the others are still tried
   */
  void submitPending() throws Exception {
    for (InstanceRegistration registration : registrations) {
      try {
        registration.submit();
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        if (isConnectionProblem(e)) {
          throw e; // the next (re)connection tries again; Curator's discovery knows it now
        }
        LOG.warn("Could not register {} in ZooKeeper at {}: {}", registration, connectString, e);
      }
    }
  }

  /**
   * The periodic check, on the maintenance thread: registers again every instance whose node is
   * missing or owned by another session than ours, and for the first time any never submitted.
   */
  void verify() {
    try {
      if (closed.get() || registrations.isEmpty() || !connected()) {
        return;
      }
      long session = client.getZookeeperClient().getZooKeeper().getSessionId();
      for (InstanceRegistration registration : registrations) {
        registration.verify(session);
      }
    } catch (Exception e) {
      // The next round tries again; a reconnection also registers everything again.
      LOG.debug("Could not verify the registrations in ZooKeeper at {}", connectString, e);
    }
  }

  /**
   * Closes every registration, deleting their nodes only if {@code deregister}: deleting nodes
   * while disconnected would block on retries, and the session ends them anyway.
   */
  void close(boolean deregister) {
    closed.set(true);
    for (InstanceRegistration registration : List.copyOf(registrations)) {
      registration.close(deregister);
    }
  }

  private boolean connected() {
    return client.getZookeeperClient().isConnected();
  }

  /** One registered instance; its lock orders the periodic check against close(). */
  private final class InstanceRegistration implements Registration {
    private final ServiceInstance<Map<String, String>> instance;
    private final Endpoint endpoint;
    private final String path;
    private final Consumer<Endpoint> onClose;

    // Guarded by this.
    private boolean closed;

    /**
     * Whether Curator's discovery knows the instance, and so registers it again after every
     * reconnection: from the first attempt to register it, even a failed one.
     */
    private boolean submitted;

    /** Whether the node was last seen written by the current session; see {@link #registered}. */
    private volatile boolean written;

    InstanceRegistration(
        ServiceInstance<Map<String, String>> instance, Consumer<Endpoint> onClose) {
      this.instance = instance;
      this.endpoint = CachedDirectory.toEndpoint(instance);
      this.path = ZKPaths.makePath(basePath, instance.getName(), instance.getId());
      this.onClose = requireNonNull(onClose);
    }

    @Override
    public Endpoint endpoint() {
      return endpoint;
    }

    /**
     * Hands the instance to Curator's discovery and registers it, unless done already; holds the
     * lock so that the periodic check waits for it.
     */
    synchronized void submit() throws Exception {
      if (closed || submitted) {
        return;
      }
      submitted = true;
      if (acls) {
        RegistryAcls.close(client, basePath);
        RegistryAcls.close(client, ZKPaths.makePath(basePath, instance.getName()));
      }
      discovery.registerService(instance);
      written = true;
      LOG.debug(
          "Registered {} at {} as {}", instance.getName(), endpoint.address(), instance.getId());
    }

    @Override
    public boolean registered() {
      return written;
    }

    @Override
    public void close() {
      close(true);
    }

    synchronized void close(boolean deregister) {
      if (closed) {
        return;
      }
      closed = true;
      registrations.remove(this);
      onClose.accept(endpoint);
      if (!deregister || !submitted) {
        return;
      }
      try {
        discovery.unregisterService(instance);
        LOG.debug("Deregistered {} instance {}", instance.getName(), instance.getId());
      } catch (Exception e) {
        LOG.warn(
            "Could not deregister {} instance {} from ZooKeeper at {}; it goes when the session"
                + " ends",
            instance.getName(),
            instance.getId(),
            connectString,
            e);
      }
    }

    /**
     * Registers the instance again if its node is missing or not owned by {@code session}, or for
     * the first time if it never was.
     */
    synchronized void verify(long session) throws Exception {
      if (closed) {
        return;
      }
      if (!submitted) {
        submit();
        return;
      }
      Stat stat = client.checkExists().forPath(path);
      if (stat != null && stat.getEphemeralOwner() == session) {
        written = true;
        return;
      }
      written = false;
      LOG.warn(
          "The node of {} instance {} was {}; registering it again",
          instance.getName(),
          instance.getId(),
          stat == null ? "missing" : "owned by another session");
      discovery.registerService(instance);
      written = true;
    }

    @Override
    public String toString() {
      return instance.getName() + " " + endpoint;
    }
  }
}
