package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.farcall.DeadlineExceededException;
import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.Greeter.Echo;
import io.farcall.runtime.testing.Greeter.GreeterBroken;
import io.farcall.runtime.testing.Greeter.GreetingRefused;
import io.farcall.runtime.testing.GreeterImpl;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two providers and one consumer in one JVM, over loopback, with a real ZooKeeper. */
class RemoteCallsTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  static Farcall providerA;
  static Farcall providerB;
  static Farcall consumer;
  static GreeterImpl implA = new GreeterImpl("A");
  static GreeterImpl implB = new GreeterImpl("B");
  static Greeter greeter;

  @BeforeAll
  static void start() {
    providerA = Farcall.builder().registry(zk.connectString()).build();
    providerB = Farcall.builder().registry(zk.connectString()).build();
    providerA.export(implA);
    providerB.export(implB);
    consumer =
        Farcall.builder().registry(zk.connectString()).timeout(Duration.ofSeconds(10)).build();
    greeter = consumer.stub(Greeter.class);
    Awaits.bothProvidersServe(greeter);
  }

  @AfterAll
  static void stop() {
    for (Farcall f : new Farcall[] {consumer, providerA, providerB}) {
      if (f != null) {
        f.close();
      }
    }
  }

  @Test
  void synchronousCallsReturnTheProvidersValue() {
    assertThat(greeter.greet("ann")).isEqualTo("hello ann");
    assertThat(greeter.add(2, 40)).isEqualTo(42);
    assertThat(greeter.squares(List.of(1, 2, 3))).containsExactly(1, 4, 9);
    Echo reply = greeter.echo(new Echo(7, "ping", List.of("x", "y")));
    assertThat(reply.token()).isEqualTo(7);
    assertThat(reply.text()).isIn("ping@A", "ping@B");
    assertThat(reply.tags()).containsExactly("x", "y");
  }

  @Test
  void overloadedMethodsReachTheirOwnImplementation() {
    assertThat(greeter.greet("bo")).isEqualTo("hello bo");
    assertThat(greeter.greet("bo", 2)).isEqualTo("hello bo hello bo");
  }

  @Test
  void defaultAndObjectMethodsRunLocallyOnTheStub() {
    int before = implA.calls.get() + implB.calls.get();
    String s = greeter.toString();
    int h = greeter.hashCode();
    boolean selfEqual = greeter.equals(greeter);
    assertThat(implA.calls.get() + implB.calls.get()).isEqualTo(before);
    assertThat(s).contains(Greeter.class.getName());
    // Object's own: the identity hash, not anything a provider computed.
    assertThat(h).isEqualTo(System.identityHashCode(greeter));
    assertThat(selfEqual).isTrue();
    assertThat(greeter.equals(consumer.stub(Greeter.class))).isTrue(); // the stub is cached

    // The default method runs on the stub and makes two remote calls.
    assertThat(greeter.greetTwice("cy")).isEqualTo("hello cy hello cy");
    assertThat(implA.calls.get() + implB.calls.get()).isEqualTo(before + 2);
  }

  @Test
  void stubClassIsGeneratedOncePerInterface() {
    try (Farcall other = Farcall.builder().registry(zk.connectString()).build()) {
      assertThat(other.stub(Greeter.class).getClass()).isSameAs(greeter.getClass());
      assertThat(other.stub(Greeter.class)).isNotSameAs(greeter);
    }
  }

  @Test
  void callsAreSpreadOverBothProviders() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      seen.add(greeter.whoAmI());
    }
    assertThat(seen).containsExactlyInAnyOrder("A", "B");
  }

  @Test
  void sixtyFourConcurrentCallersEachGetTheirOwnReply() throws Exception {
    int callers = 64;
    int callsEach = 300;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        int caller = c;
        results.add(
            pool.submit(
                () -> {
                  int matched = 0;
                  for (int i = 0; i < callsEach; i++) {
                    long token = (long) caller << 32 | i;
                    String text = "c" + caller + "-" + i;
                    Echo reply = greeter.echo(new Echo(token, text, List.of(text)));
                    if (reply.token() == token
                        && reply.text().startsWith(text + "@")
                        && reply.tags().equals(List.of(text))) {
                      matched++;
                    }
                  }
                  return matched;
                }));
      }
      int matched = 0;
      for (Future<Integer> f : results) {
        matched += f.get(60, TimeUnit.SECONDS);
      }
      assertThat(matched).isEqualTo(callers * callsEach);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void asynchronousCallsReturnAtOnceAndCompleteWhenTheProviderAnswers() throws Exception {
    List<CompletableFuture<String>> futures = new ArrayList<>();
    for (int i = 0; i < 128; i++) {
      futures.add(greeter.greetLater("gate-async"));
    }
    // All 128 calls are in flight from this one thread; none can be done yet.
    assertThat(futures).noneMatch(CompletableFuture::isDone);
    implA.open("gate-async", "opened");
    implB.open("gate-async", "opened");
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertThat(futures).allMatch(f -> f.join().equals("opened"));
  }

  @Test
  void asynchronousCallbacksRunOnCallbackThreadsNotOnNettyEventLoops() throws Exception {
    // Chained before the reply can arrive, so that the thread completing the call runs it.
    CompletableFuture<String> thread =
        greeter.greetLater("gate-thread").thenApply(v -> Thread.currentThread().getName());
    implA.open("gate-thread", "x");
    implB.open("gate-thread", "x");
    assertThat(thread.get(10, TimeUnit.SECONDS)).startsWith("farcall-callback-");
  }

  @Test
  void slowProviderMakesTheCallFailWithDeadlineExceeded() {
    try (Farcall impatient =
        Farcall.builder().registry(zk.connectString()).timeout(Duration.ofMillis(200)).build()) {
      Greeter g = impatient.stub(Greeter.class);
      assertThatThrownBy(() -> g.slow(3_000))
          .isInstanceOf(DeadlineExceededException.class)
          .hasMessageContaining("slow(long)");
    }
  }

  @Test
  void checkedExceptionArrivesAsItselfWithItsFieldsCauseChainAndRemoteStack() {
    Throwable t = catchThrowable(() -> greeter.failChecked("no greeting today", true));
    assertThat(t).isExactlyInstanceOf(GreetingRefused.class).hasMessage("no greeting today");
    assertThat(((GreetingRefused) t).code()).isEqualTo(42);
    assertThat(t.getCause()).isExactlyInstanceOf(IllegalStateException.class).hasMessage("middle");
    assertThat(t.getCause().getCause())
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("root");
    // The stack is the provider's: it shows the implementation method that threw.
    assertThat(Arrays.stream(t.getStackTrace()).map(StackTraceElement::getClassName))
        .contains(GreeterImpl.class.getName());
    // And a suppressed entry shows where this caller made the call.
    assertThat(t.getSuppressed()).hasSize(1);
    assertThat(
            Arrays.stream(t.getSuppressed()[0].getStackTrace())
                .map(StackTraceElement::getMethodName))
        .contains("checkedExceptionArrivesAsItselfWithItsFieldsCauseChainAndRemoteStack");
  }

  @Test
  void uncheckedExceptionArrivesAsItselfWithItsCause() {
    Throwable t = catchThrowable(() -> greeter.failUnchecked("broken"));
    assertThat(t).isExactlyInstanceOf(GreeterBroken.class).hasMessage("broken");
    assertThat(t.getCause())
        .isExactlyInstanceOf(UnsupportedOperationException.class)
        .hasMessage("underneath");
  }
}
