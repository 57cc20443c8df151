package io.farcall.demo.api;

import io.farcall.Idempotent;
import io.farcall.Remote;
import java.util.List;

/** Who knows whom. */
@Remote
public interface FriendService {
  /** The friends of a user, by name; empty for an unknown user. Read-only, so safe to retry. */
  @Idempotent
  List<User> friends(long userId);
}
