package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.farcall.InvalidCallException;
import io.farcall.Remote;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.time.Duration;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Whatever is thrown while a provider decodes a request, the caller hears of it at once. */
class ProviderErrorsTest {
  @RegisterExtension final ZooKeeperExtension zk = ZooKeeperExtension.perTest();

  /** A list whose add throws an Error once armed: what Kryo calls as it decodes one. */
  public static class Tripwire extends ArrayList<String> {
    private static final long serialVersionUID = 1L;
    static volatile boolean armed;

    @Override
    public boolean add(String s) {
      if (armed && s.equals("boom")) {
        throw new AssertionError("boom");
      }
      return super.add(s);
    }
  }

  @Remote
  public interface Counter {
    int count(Tripwire items);
  }

  public static class CounterImpl implements Counter {
    @Override
    public int count(Tripwire items) {
      return items.size();
    }
  }

  @Test
  void anErrorWhileDecodingArgumentsIsAnsweredAtOnceAndTheProviderGoesOn() {
    try (Farcall provider = Farcall.builder().registry(zk.connectString()).build();
        Farcall consumer =
            Farcall.builder()
                .registry(zk.connectString())
                .timeout(Duration.ofSeconds(30))
                .build()) {
      provider.export(new CounterImpl());
      Counter counter = consumer.stub(Counter.class);
      Tripwire items = new Tripwire();
      items.add("a");
      items.add("boom");
      assertThat(counter.count(items)).isEqualTo(2);

      Tripwire.armed = true;
      try {
        long start = System.nanoTime();
        assertThatThrownBy(() -> counter.count(items))
            .isInstanceOf(InvalidCallException.class)
            .hasMessageContaining("cannot decode arguments: java.lang.AssertionError: boom");
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .as("answered, not left to the 30 s deadline")
            .isLessThan(Duration.ofSeconds(10));
      } finally {
        Tripwire.armed = false;
      }
      assertThat(counter.count(items)).as("the provider still serves").isEqualTo(2);
    }
  }
}
