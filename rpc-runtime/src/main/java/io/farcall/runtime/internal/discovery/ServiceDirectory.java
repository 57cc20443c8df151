package io.farcall.runtime.internal.discovery;

import java.util.List;

/**
 * The live provider instances of one service, kept current by a ZooKeeper watch.
 *
 * <p>Thread-safe. Reading never touches the network. While ZooKeeper cannot be reached the
 * directory keeps the last endpoints it knew; only an actual deregistration (or the expiry of a
 * provider's session) observed in ZooKeeper removes one. A directory created while ZooKeeper is
 * unreachable starts with the endpoints last saved on local disk for its service, if any, until
 * ZooKeeper answers.
 */
public interface ServiceDirectory {

  /** The service name. */
  String service();

  /**
   * The current endpoints: an immutable snapshot, ordered by instance id, possibly empty. Cheap:
   * one volatile read.
   */
  List<Endpoint> endpoints();

  /**
   * Runs {@code onChange} after every change of {@link #endpoints()} or of where they come from, on
   * one internal thread of the registry, one notification at a time. It must not block for long. A
   * listener that throws is logged and keeps being called.
   */
  void addListener(Runnable onChange);
}
