package io.farcall;

/** How calls are spread over the live providers of a service. */
public enum LoadBalance {
  /** Whatever the runtime is configured with (its {@code loadbalance} option). */
  DEFAULT,
  /** Each provider in turn, in proportion to its weight. */
  ROUND_ROBIN,
  /** A provider drawn at random, in proportion to its weight. */
  RANDOM,
  /**
   * The less busy of two providers drawn at random (by weight): the one with fewer calls
   * outstanding from this JVM, relative to its weight ("power of two choices").
   */
  LEAST_LOADED,
  /**
   * The provider a consistent hash of the first argument maps to, so calls with the same first
   * argument go to the same provider while it lives; when providers come and go, only a share of
   * the keys move.
   */
  CONSISTENT_HASH
}
