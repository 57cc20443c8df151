package io.farcall.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.tools.attach.VirtualMachine;
import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The agent attached to a JVM that is already running hooks the classes it loads from then on. */
class AttachIT {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();

  @Test
  void attachedToARunningJvmItHooksClassesLoadedAfterwards() throws Exception {
    Jvm app =
        Jvm.builder("late")
            .withoutAgent()
            .jvmArg("-Dapp.name=late-provider")
            .appClasspath()
            .main("acme.shop.LateApp")
            .start(jvms);
    app.awaitLine("WAITING"::equals, Duration.ofSeconds(30));

    VirtualMachine vm = VirtualMachine.attach(Long.toString(app.pid()));
    try {
      vm.loadAgent(Jvm.AGENT_JAR.toString(), "registry=" + zk.connectString());
    } finally {
      vm.detach();
    }
    OutputStream in = app.input();
    in.write("go\n".getBytes(StandardCharsets.UTF_8));
    in.flush();

    assertThat(app.awaitExit(Duration.ofSeconds(60))).as(app.output()).isZero();
    assertThat(app.lines()).contains("late-call=9");
  }
}
