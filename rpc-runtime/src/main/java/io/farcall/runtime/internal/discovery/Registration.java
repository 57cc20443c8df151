package io.farcall.runtime.internal.discovery;

/**
 * A provider instance registered by {@link Registry#register}. It stays registered, across
 * ZooKeeper session losses, until {@link #close()} or until the registry is closed.
 */
public interface Registration extends AutoCloseable {

  /** The registered instance as consumers see it. */
  Endpoint endpoint();

  /**
   * Whether the instance's node was written by the registry's current session, as last seen: true
   * once a registration (or a re-registration) succeeded, false before that and from the moment the
   * periodic check finds the node missing or owned by another session until it is written again.
   */
  boolean registered();

  /**
   * Deregisters the instance. Idempotent; never throws. If ZooKeeper cannot be reached, Curator
   * keeps retrying the deletion in the background while the registry is open, and the node goes
   * away with the session in any case.
   */
  @Override
  void close();
}
