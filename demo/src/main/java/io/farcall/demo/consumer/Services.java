package io.farcall.demo.consumer;

import io.farcall.RemoteRef;
import io.farcall.demo.api.Calculator;
import io.farcall.demo.api.FriendService;
import io.farcall.demo.api.Ping;
import io.farcall.demo.api.UserService;

/**
 * The remote services this application uses. With the Farcall agent each field holds a stub from
 * construction on; the first one filled starts Farcall in this JVM (and, in zero-config, the
 * machine's embedded ZooKeeper if none answers yet). Without the agent the fields stay null.
 */
final class Services {
  @RemoteRef UserService users;
  @RemoteRef FriendService friends;
  @RemoteRef Calculator calculator;
  @RemoteRef Ping ping;

  boolean filled() {
    return users != null && friends != null && calculator != null && ping != null;
  }
}
