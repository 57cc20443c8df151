package io.farcall.demo.api;

import io.farcall.Idempotent;
import io.farcall.Remote;

/** Liveness, and which provider answered. */
@Remote
public interface Ping {
  @Idempotent
  Pong ping();
}
