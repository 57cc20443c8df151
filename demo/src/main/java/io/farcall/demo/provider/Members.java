package io.farcall.demo.provider;

import io.farcall.demo.api.User;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The provider's in-memory data: accounts and friendships, seeded with the same four members in
 * every provider process. A real application would keep them in a database shared by its providers;
 * here an account registered on one provider is known to that provider only. Thread-safe.
 */
final class Members {
  private record Account(User user, String password) {}

  private final Map<String, Account> byName = new ConcurrentHashMap<>();
  private final Map<Long, User> byId = new ConcurrentHashMap<>();
  private final Map<Long, Set<Long>> friends = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong(1);

  /** alice, bob, carol and dave; alice knows bob and carol, carol knows dave. */
  static Members seeded() {
    Members m = new Members();
    User alice = m.add("alice", "wonderland");
    User bob = m.add("bob", "builder");
    User carol = m.add("carol", "christmas");
    User dave = m.add("dave", "daisy");
    m.befriend(alice, bob);
    m.befriend(alice, carol);
    m.befriend(carol, dave);
    return m;
  }

  /**
   * Adds an account.
   *
   * @throws IllegalArgumentException if the name is blank or taken
   */
  User add(String name, String password) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a user needs a name");
    }
    User user = new User(nextId.getAndIncrement(), name);
    if (byName.putIfAbsent(name, new Account(user, password)) != null) {
      throw new IllegalArgumentException("the name " + name + " is taken");
    }
    byId.put(user.id(), user);
    return user;
  }

  Optional<User> check(String name, String password) {
    Account account = byName.get(name);
    return account != null && account.password().equals(password)
        ? Optional.of(account.user())
        : Optional.empty();
  }

  void befriend(User a, User b) {
    friends.computeIfAbsent(a.id(), id -> ConcurrentHashMap.newKeySet()).add(b.id());
    friends.computeIfAbsent(b.id(), id -> ConcurrentHashMap.newKeySet()).add(a.id());
  }

  /** The friends of a user, in the order they joined. */
  List<User> friendsOf(long userId) {
    return friends.getOrDefault(userId, Set.of()).stream().sorted().map(byId::get).toList();
  }
}
