package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.farcall.DeadlineExceededException;
import io.farcall.runtime.testing.Chain;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A deadline travels down a chain of calls A -> B -> C, each in a runtime of its own. */
class DeadlinePropagationTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  static Farcall a;
  static Farcall b;
  static Farcall c;
  static Farcall caller;
  static Chain.BackImpl back = new Chain.BackImpl();
  static Chain.MiddleImpl middle;

  @BeforeAll
  static void start() {
    // Each runtime's own default timeout is long: only the caller's deadline should matter.
    c = Farcall.builder().registry(zk.connectString()).timeout(Duration.ofSeconds(30)).build();
    b = Farcall.builder().registry(zk.connectString()).timeout(Duration.ofSeconds(30)).build();
    a = Farcall.builder().registry(zk.connectString()).timeout(Duration.ofSeconds(30)).build();
    c.export(back);
    middle = new Chain.MiddleImpl(b.stub(Chain.Back.class));
    b.export(middle);
    a.export(new Chain.FrontImpl(a.stub(Chain.Middle.class)));
    caller =
        Farcall.builder().registry(zk.connectString()).timeout(Duration.ofMillis(1500)).build();
  }

  @AfterAll
  static void stop() {
    for (Farcall f : new Farcall[] {caller, a, b, c}) {
      f.close();
    }
  }

  @Test
  void theLastServiceInTheChainSeesLessTimeThanTheFirstCallerGave() {
    Chain.Front front = caller.stub(Chain.Front.class);
    long remainingAtBack = front.front(200);
    // The caller gave 1500 ms; B waited 200 ms before calling C, and the hops cost a little more.
    assertThat(remainingAtBack).isPositive().isLessThan(1_300_000);
  }

  @Test
  void nothingRunsAfterTheDeadline() {
    Chain.Front front = caller.stub(Chain.Front.class);
    int before = back.executions.get();
    int tried = middle.callsToBack.get();
    // B waits past the caller's deadline before it would call C.
    Throwable t = catchThrowable(() -> front.front(2_000));
    assertThat(t).isInstanceOf(DeadlineExceededException.class);
    // Once B has finished its wait and tried, however late it runs: its call must not reach C.
    Poll.until(middle.callsToBack::get, n -> n > tried, Duration.ofSeconds(10));
    assertThat(middle.callsToBack.get()).as("B tried to call C").isGreaterThan(tried);
    assertThat(back.executions.get()).isEqualTo(before);
  }
}
