package io.farcall.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad options stop start-up with one message naming the option; the application never runs. */
class OptionsIT {
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();

  @Test
  void anUnknownAgentOptionStopsStartUpNamingItAndTheKnownOnes() throws Exception {
    Jvm jvm = app(Jvm.builder("bad-key").agentOptions("prot=7000"));
    assertThat(jvm.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
    assertThat(jvm.lines()).hasSize(1);
    assertThat(jvm.lines().get(0))
        .startsWith("farcall: unknown option 'prot'")
        .contains("port", "registry", "timeout", "basepath", "host");
  }

  @Test
  void aBadValueStopsStartUpNamingTheOptionAndWhatItAccepts() throws Exception {
    Jvm jvm =
        app(
            Jvm.builder("bad-port")
                .agentOptions("registry=127.0.0.1:2181,127.0.0.2:2181,port=abc"));
    assertThat(jvm.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
    assertThat(jvm.output())
        .isEqualTo(
            "farcall: option 'port': 'abc' is not a number; expected listen port, 0-65535 (0 = any"
                + " free port); default 0");
  }

  @Test
  void aBadValueFromTheEnvironmentIsReportedTheSameWay() throws Exception {
    Jvm jvm = app(Jvm.builder("bad-env").env("FARCALL_TIMEOUT", "soon"));
    assertThat(jvm.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
    assertThat(jvm.output()).startsWith("farcall: option 'timeout': 'soon' is not a duration");
  }

  @Test
  void aBadValueFromASystemPropertyIsReportedTheSameWay() throws Exception {
    Jvm jvm = app(Jvm.builder("bad-property").jvmArg("-Dfarcall.basepath=farcall"));
    assertThat(jvm.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
    assertThat(jvm.output()).startsWith("farcall: option 'basepath'");
  }

  @Test
  void goodOptionsLetTheApplicationRunUntouched() throws Exception {
    Jvm jvm =
        app(
            Jvm.builder("good")
                .agentOptions(
                    "registry=127.0.0.1:1,127.0.0.2:1,port=0,timeout=3s,basepath=/x,loglevel=warn")
                .env("FARCALL_HOST", "127.0.0.1")
                .jvmArg("-Dfarcall.maxframesize=1m"));
    assertThat(jvm.awaitExit(Duration.ofSeconds(30))).isZero();
    assertThat(jvm.lines()).containsExactly("plain application ran");
  }

  private Jvm app(Jvm.Builder b) throws Exception {
    return b.appClasspath().main("acme.shop.PlainApp").start(jvms);
  }
}
