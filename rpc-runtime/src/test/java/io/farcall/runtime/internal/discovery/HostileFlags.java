package io.farcall.runtime.internal.discovery;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What {@link HostilePayload} did. Kept apart so that reading the flags does not itself load that
 * class.
 */
final class HostileFlags {
  static final AtomicBoolean LOADED = new AtomicBoolean();
  static final AtomicBoolean CONSTRUCTED = new AtomicBoolean();

  private HostileFlags() {}
}
