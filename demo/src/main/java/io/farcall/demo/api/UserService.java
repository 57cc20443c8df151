package io.farcall.demo.api;

import io.farcall.Remote;
import java.util.Optional;

/** Accounts: sign up and sign in. */
@Remote
public interface UserService {
  /**
   * Creates an account and returns it.
   *
   * @throws IllegalArgumentException if the name is taken or blank
   */
  User register(String name, String password);

  /** The user whose name and password these are, or empty when they do not match an account. */
  Optional<User> login(String name, String password);
}
