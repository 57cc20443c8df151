package io.farcall.demo.provider;

import io.farcall.Export;
import io.farcall.demo.api.FriendService;
import io.farcall.demo.api.User;
import java.util.List;

/** Exported as soon as it is constructed. */
@Export
public class FriendServiceImpl implements FriendService {
  private final Members members;

  FriendServiceImpl(Members members) {
    this.members = members;
  }

  @Override
  public List<User> friends(long userId) {
    List<User> friends = members.friendsOf(userId);
    System.out.println("served friends(" + userId + ") -> " + friends.size() + " friends");
    return friends;
  }
}
