package io.farcall.bench.model;

import io.farcall.Remote;
import java.util.concurrent.CompletableFuture;

/**
 * The benchmarked service: rpc-benchmark's four calls, each also asynchronous, and an echo of a
 * byte array for the argument-size sweep. Every peer's client implements it, so one load generator
 * drives them all.
 */
@Remote
public interface UserService {
  boolean existUser(String email);

  boolean createUser(User user);

  User getUser(long id);

  Page<User> listUser(int pageNo);

  byte[] echo(byte[] payload);

  CompletableFuture<Boolean> existUserAsync(String email);

  CompletableFuture<Boolean> createUserAsync(User user);

  CompletableFuture<User> getUserAsync(long id);

  CompletableFuture<Page<User>> listUserAsync(int pageNo);
}
