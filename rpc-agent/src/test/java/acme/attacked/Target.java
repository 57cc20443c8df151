package acme.attacked;

import io.farcall.Remote;

/** What the robustness tests attack, and how they see the provider is still well. */
@Remote
public interface Target {
  String echo(String text);

  /** The size of a collection or map, -1 for anything else. */
  int size(Object value);

  /** A reply of {@code bytes} bytes. */
  byte[] blob(int bytes);

  /** Throws an Error from its constructor when its value is negative. */
  int open(Bomb bomb);

  /** After a full collection: the heap in use, and what the provider's threads let escape. */
  Health health();

  record Bomb(int value) {
    public Bomb {
      if (value < 0) {
        throw new AssertionError("boom: " + value);
      }
    }
  }

  /**
   * @param heapUsedAfterGc bytes of heap in use after {@code System.gc()}
   * @param uncaught throwables that ended a thread, by thread name and type
   * @param executorThreads live threads of the provider's executor
   */
  record Health(long heapUsedAfterGc, java.util.List<String> uncaught, int executorThreads) {}
}
