package io.farcall.bench.model;

import java.util.concurrent.CompletableFuture;

/**
 * The provider's side, shared by every peer: it builds fresh objects per call, as a service that
 * loads them would, and otherwise does no work, so that what is measured is the RPC.
 */
public class UserServiceImpl implements UserService {
  @Override
  public boolean existUser(String email) {
    return email != null && !email.isEmpty() && email.charAt(email.length() - 1) != '!';
  }

  @Override
  public boolean createUser(User user) {
    return user != null && user.getId() >= 0;
  }

  @Override
  public User getUser(long id) {
    return Users.user(id);
  }

  @Override
  public Page<User> listUser(int pageNo) {
    return Users.page(pageNo);
  }

  @Override
  public byte[] echo(byte[] payload) {
    return payload;
  }

  @Override
  public CompletableFuture<Boolean> existUserAsync(String email) {
    return CompletableFuture.completedFuture(existUser(email));
  }

  @Override
  public CompletableFuture<Boolean> createUserAsync(User user) {
    return CompletableFuture.completedFuture(createUser(user));
  }

  @Override
  public CompletableFuture<User> getUserAsync(long id) {
    return CompletableFuture.completedFuture(getUser(id));
  }

  @Override
  public CompletableFuture<Page<User>> listUserAsync(int pageNo) {
    return CompletableFuture.completedFuture(listUser(pageNo));
  }
}
