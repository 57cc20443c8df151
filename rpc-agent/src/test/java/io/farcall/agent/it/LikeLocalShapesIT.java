package io.farcall.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Through the agent, the shapes a local call accepts: a generic super-interface, null varargs, an
 * object graph with a cycle and a shared object, and an implementation of a plain interface that no
 * signature names, allowed with the {@code allowtypes} option.
 */
class LikeLocalShapesIT {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();

  @Test
  void everyShapeArrivesAsALocalCallWouldSeeIt() throws Exception {
    String options = "registry=" + zk.connectString() + ",allowtypes=acme.shapes.figures.*";
    Jvm provider =
        Jvm.builder("shapes-provider")
            .agentOptions(options)
            .appClasspath()
            .main("acme.shapes.ShapesProvider")
            .start(jvms);
    provider.awaitLine("READY"::equals, Duration.ofSeconds(60));

    Jvm consumer =
        Jvm.builder("shapes-consumer")
            .agentOptions(options)
            .appClasspath()
            .main("acme.shapes.ShapesConsumer")
            .start(jvms);

    assertThat(consumer.awaitExit(Duration.ofSeconds(60))).as(consumer.output()).isZero();
    assertThat(consumer.lines())
        .contains(
            "find=Part[id=1, name=bolt] Part[id=2, name=nut]",
            "all=2",
            "null-varargs=-1 2",
            "graph=true true",
            "area=9.0",
            "DONE");
  }
}
