package io.farcall.runtime.testing;

import io.farcall.Idempotent;
import io.farcall.Remote;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The service most runtime tests call. */
@Remote
public interface Greeter {
  String greet(String name);

  /** An overload: same name, other parameters. */
  String greet(String name, int times);

  int add(int a, int b);

  @Idempotent
  Echo echo(Echo request);

  List<Integer> squares(List<Integer> values);

  /** Which provider served the call. */
  String whoAmI();

  /** Sleeps on the provider, then answers. */
  String slow(long millis);

  /** Completes when the provider's gate named {@code gate} opens. */
  CompletableFuture<String> greetLater(String gate);

  void failChecked(String message, boolean withCause) throws GreetingRefused;

  void failUnchecked(String message);

  /** Runs locally on the stub. */
  default String greetTwice(String name) {
    return greet(name) + " " + greet(name);
  }

  /** A record argument and result, with a nested collection. */
  record Echo(long token, String text, List<String> tags) {}

  /** A custom checked exception with a field of its own. */
  class GreetingRefused extends Exception {
    private static final long serialVersionUID = 1L;
    private final int code;

    public GreetingRefused(String message, int code) {
      super(message);
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  /** A custom unchecked exception. */
  class GreeterBroken extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GreeterBroken(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
