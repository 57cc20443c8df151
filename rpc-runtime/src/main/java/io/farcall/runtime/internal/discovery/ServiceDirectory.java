package io.farcall.runtime.internal.discovery;

import java.util.List;

/**
 * The live provider instances of one service, kept current by a ZooKeeper watch.
 *
 * <p>Thread-safe. Reading never touches the network. While ZooKeeper cannot be reached the
 * directory keeps the last endpoints it knew; only an actual deregistration (or the expiry of a
 * provider's session) observed in ZooKeeper removes one. A directory created while ZooKeeper is
 * unreachable starts with the endpoints last saved on local disk for its service, if any, until
 * ZooKeeper answers; {@link #source()} tells which.
 */
public interface ServiceDirectory {

  /** Where the current {@link #endpoints()} come from (besides this JVM's own registrations). */
  enum Source {
    /**
     * Nothing known yet: ZooKeeper has not answered since the directory was created and nothing was
     * saved on disk for the service. The endpoints are only those this registry registered itself,
     * often none.
     */
    NONE,

    /**
     * Read from the local disk cache, as another run (or another JVM of the same user) last saw
     * them in ZooKeeper: ZooKeeper has not answered since the directory was created. Some may be
     * gone.
     */
    DISK_CACHE,

    /**
     * Read from ZooKeeper by this directory. It stays so while ZooKeeper is unreachable afterwards:
     * the endpoints are then the last ones ZooKeeper gave, changed only by this registry's own
     * registrations, until ZooKeeper answers again.
     */
    ZOOKEEPER
  }

  /** The service name. */
  String service();

  /**
   * The current endpoints: an immutable snapshot, ordered by instance id, possibly empty. Cheap:
   * one volatile read.
   */
  List<Endpoint> endpoints();

  /**
   * Where the current endpoints come from. Cheap: one volatile read. It changes from {@link
   * Source#NONE} or {@link Source#DISK_CACHE} to {@link Source#ZOOKEEPER} once, when ZooKeeper
   * first answers, and never back.
   */
  Source source();

  /**
   * Whether the endpoints were read from ZooKeeper ({@link Source#ZOOKEEPER}), as opposed to being
   * only what was saved on disk or nothing at all.
   */
  default boolean live() {
    return source() == Source.ZOOKEEPER;
  }

  /**
   * Runs {@code onChange} after every change of {@link #endpoints()} or of {@link #source()}, on
   * one internal thread of the registry, one notification at a time. It must not block for long. A
   * listener that throws is logged and keeps being called.
   */
  void addListener(Runnable onChange);
}
