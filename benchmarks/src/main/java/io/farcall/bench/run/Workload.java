package io.farcall.bench.run;

import io.farcall.bench.model.User;
import io.farcall.bench.model.UserService;
import io.farcall.bench.model.Users;
import java.util.concurrent.CompletableFuture;

/**
 * One kind of call the load generator makes: rpc-benchmark's four, and {@code echo} of a byte array
 * for the argument-size sweep. A call's arguments come from its caller's {@link Args}, built before
 * the measurement, so the load generator itself allocates next to nothing.
 */
public enum Workload {
  EXIST_USER("existUser") {
    @Override
    Object call(UserService s, Args a) {
      return s.existUser(a.email);
    }

    @Override
    CompletableFuture<?> callAsync(UserService s, Args a) {
      return s.existUserAsync(a.email);
    }
  },
  CREATE_USER("createUser") {
    @Override
    Object call(UserService s, Args a) {
      return s.createUser(a.user);
    }

    @Override
    CompletableFuture<?> callAsync(UserService s, Args a) {
      return s.createUserAsync(a.user);
    }
  },
  GET_USER("getUser") {
    @Override
    Object call(UserService s, Args a) {
      return s.getUser(a.next());
    }

    @Override
    CompletableFuture<?> callAsync(UserService s, Args a) {
      return s.getUserAsync(a.next());
    }
  },
  LIST_USER("listUser") {
    @Override
    Object call(UserService s, Args a) {
      return s.listUser((int) (a.next() & 0xffff));
    }

    @Override
    CompletableFuture<?> callAsync(UserService s, Args a) {
      return s.listUserAsync((int) (a.next() & 0xffff));
    }
  },
  ECHO("echo") {
    @Override
    Object call(UserService s, Args a) {
      return s.echo(a.payload);
    }

    @Override
    CompletableFuture<?> callAsync(UserService s, Args a) {
      throw new UnsupportedOperationException("echo has no asynchronous variant");
    }
  };

  /** rpc-benchmark's workloads, in its order. */
  public static final Workload[] RPC_BENCHMARK = {EXIST_USER, CREATE_USER, GET_USER, LIST_USER};

  private final String label;

  Workload(String label) {
    this.label = label;
  }

  /** The method name, as tables show it. */
  public String label() {
    return label;
  }

  abstract Object call(UserService s, Args a);

  abstract CompletableFuture<?> callAsync(UserService s, Args a);

  public static Workload of(String label) {
    for (Workload w : values()) {
      if (w.label.equalsIgnoreCase(label) || w.name().equalsIgnoreCase(label)) {
        return w;
      }
    }
    throw new IllegalArgumentException(
        "unknown workload '" + label + "'; known: existUser, createUser, getUser, listUser, echo");
  }

  @Override
  public String toString() {
    return label;
  }

  /** One caller's arguments. Not thread-safe: one per caller thread. */
  static final class Args {
    final String email;
    final User user;
    final byte[] payload;
    private long counter;

    Args(int caller, int payloadBytes) {
      this.email = "user" + caller + "@example.org";
      this.user = Users.user(caller);
      this.payload = new byte[payloadBytes];
      for (int i = 0; i < payloadBytes; i++) {
        payload[i] = (byte) (i * 31 + caller);
      }
      this.counter = (long) caller << 32;
    }

    long next() {
      return counter++;
    }
  }
}
