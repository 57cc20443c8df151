package io.farcall.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentOptionsTest {
  private static final Map<String, String> NO_ENV = Map.of();

  private static AgentOptions.Parsed parse(
      String args, Map<String, String> props, Map<String, String> env) {
    return AgentOptions.parse(args, props, env::get);
  }

  @Test
  void aPartWithoutEqualsContinuesThePreviousValue() {
    assertThat(AgentOptions.parseAgentArgs("registry=a:2181,b:2181,c:2181/app,port=7000"))
        .containsExactly(
            Map.entry("registry", "a:2181,b:2181,c:2181/app"), Map.entry("port", "7000"));
  }

  @Test
  void agentOptionsBeatSystemPropertiesWhichBeatTheEnvironment() {
    AgentOptions.Parsed p =
        parse(
            "port=7000",
            Map.of("farcall.port", "7001", "farcall.timeout", "2s"),
            Map.of("FARCALL_PORT", "7002", "FARCALL_TIMEOUT", "9s", "FARCALL_BASEPATH", "/env"));
    assertThat(p.settings().port()).isEqualTo(7000);
    assertThat(p.settings().timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.settings().basePath()).isEqualTo("/env");
    assertThat(p.logLevel()).isEqualTo("INFO");
  }

  @Test
  void nothingGivenMeansTheDefaults() {
    AgentOptions.Parsed p = parse(null, Map.of(), NO_ENV);
    assertThat(p.settings().registry()).isNull();
    assertThat(p.settings().port()).isZero();
  }

  @Test
  void unknownKeysAndBadValuesNameTheOption() {
    assertThatThrownBy(() -> parse("prot=1", Map.of(), NO_ENV))
        .hasMessageStartingWith("unknown option 'prot'")
        .hasMessageContaining("loglevel");
    assertThatThrownBy(() -> parse(null, Map.of("farcall.colour", "blue"), NO_ENV))
        .hasMessageStartingWith("unknown option 'colour'");
    assertThatThrownBy(() -> parse("loglevel=chatty", Map.of(), NO_ENV))
        .hasMessageContaining("'loglevel'")
        .hasMessageContaining("DEBUG");
    assertThatThrownBy(() -> parse("7000", Map.of(), NO_ENV)).hasMessageContaining("not key=value");
    assertThatThrownBy(() -> parse("port=1,port=2", Map.of(), NO_ENV))
        .hasMessageContaining("twice");
  }
}
