package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.GreeterImpl;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code jmx} option: Farcall's meters as MBeans of this JVM's platform MBean server, where
 * JConsole and the Prometheus JMX exporter read them, counting real calls, and gone once the
 * runtime is closed.
 */
class JmxMetricsTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  private static final MBeanServer MBEANS = ManagementFactory.getPlatformMBeanServer();

  private static Set<ObjectName> farcallBeans(String like) throws Exception {
    return MBEANS.queryNames(new ObjectName("farcall:name=" + like + ",*"), null);
  }

  @Test
  void theMetersAreMBeansThatCountCalls() throws Exception {
    try (Farcall provider = Farcall.builder().registry(zk.connectString()).jmx(true).build();
        Farcall consumer = Farcall.builder().registry(zk.connectString()).build()) {
      provider.export(new GreeterImpl("p"));
      Greeter g = consumer.stub(Greeter.class);
      Poll.untilTrue(
          "the consumer knows the provider",
          () -> !consumer.providers(Greeter.class).isEmpty(),
          Duration.ofSeconds(15));
      for (int i = 0; i < 4; i++) {
        g.greet("x");
      }
      Set<ObjectName> started =
          farcallBeans("farcallServerCallsStarted.method.greet(java.lang.String)*");
      assertThat(started).hasSize(1);
      ObjectName bean = started.iterator().next();
      assertThat(bean.getKeyProperty("name")).contains(Greeter.class.getName());
      assertThat(((Number) MBEANS.getAttribute(bean, "Count")).longValue()).isEqualTo(4);
      assertThat(farcallBeans("farcallServerDuration.method.greet(java.lang.String)*")).hasSize(1);
      assertThat(farcallBeans("farcallServerExecutorThreads*")).hasSize(1);
    }
    assertThat(farcallBeans("farcallServer*")).as("unregistered on close").isEmpty();
  }

  @Test
  void jmxTakesOnlyTrueOrFalse() {
    assertThatThrownBy(() -> Farcall.builder().option("jmx", "yes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("option 'jmx'");
  }
}
