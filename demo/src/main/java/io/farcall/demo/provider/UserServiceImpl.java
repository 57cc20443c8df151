package io.farcall.demo.provider;

import io.farcall.Export;
import io.farcall.demo.api.User;
import io.farcall.demo.api.UserService;
import java.util.Optional;

/** Exported as soon as it is constructed: the agent does it, this class knows nothing of it. */
@Export
public class UserServiceImpl implements UserService {
  private final Members members;

  UserServiceImpl(Members members) {
    this.members = members;
  }

  @Override
  public User register(String name, String password) {
    User user = members.add(name, password);
    System.out.println("served register(" + name + ") -> " + user);
    return user;
  }

  @Override
  public Optional<User> login(String name, String password) {
    Optional<User> user = members.check(name, password);
    System.out.println("served login(" + name + ") -> " + (user.isPresent() ? "ok" : "refused"));
    return user;
  }
}
