package io.farcall.runtime.testing;

import io.farcall.Export;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A Greeter that names itself, counts its calls and lets tests open gates. */
@Export
public class GreeterImpl implements Greeter {
  private final String name;
  public final AtomicInteger calls = new AtomicInteger();
  private final Map<String, CompletableFuture<String>> gates = new ConcurrentHashMap<>();

  /** While true, whoAmI takes two seconds: a provider that has stopped answering in time. */
  public volatile boolean hung;

  public GreeterImpl(String name) {
    this.name = name;
  }

  public void open(String gate, String value) {
    gates.computeIfAbsent(gate, g -> new CompletableFuture<>()).complete(value);
  }

  @Override
  public String greet(String who) {
    calls.incrementAndGet();
    return "hello " + who;
  }

  @Override
  public String greet(String who, int times) {
    calls.incrementAndGet();
    return ("hello " + who + " ").repeat(times).trim();
  }

  @Override
  public int add(int a, int b) {
    calls.incrementAndGet();
    return a + b;
  }

  @Override
  public Echo echo(Echo request) {
    calls.incrementAndGet();
    return new Echo(request.token(), request.text() + "@" + name, request.tags());
  }

  @Override
  public List<Integer> squares(List<Integer> values) {
    calls.incrementAndGet();
    return values.stream().map(v -> v * v).toList();
  }

  @Override
  public String whoAmI() {
    calls.incrementAndGet();
    if (hung) {
      try {
        Thread.sleep(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return name;
  }

  @Override
  public String slow(long millis) {
    calls.incrementAndGet();
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return name;
  }

  @Override
  public CompletableFuture<String> greetLater(String gate) {
    calls.incrementAndGet();
    return gates.computeIfAbsent(gate, g -> new CompletableFuture<>());
  }

  @Override
  public void failChecked(String message, boolean withCause) throws GreetingRefused {
    calls.incrementAndGet();
    GreetingRefused e = new GreetingRefused(message, 42);
    if (withCause) {
      e.initCause(new IllegalStateException("middle", new IllegalArgumentException("root")));
    }
    throw e;
  }

  @Override
  public void failUnchecked(String message) {
    calls.incrementAndGet();
    throw new GreeterBroken(message, new UnsupportedOperationException("underneath"));
  }
}
