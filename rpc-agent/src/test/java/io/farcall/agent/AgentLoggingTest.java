package io.farcall.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AgentLoggingTest {
  @Test
  void everyFarcallClassOfTheAgentGetsTheFarcallLevelAndNoRelocatedLibraryDoes() {
    // Here the agent's classes come from the build's class directory; in the jar, the runtime's
    // are listed the same way.
    assertThat(AgentLogging.farcallClasses())
        .contains(
            "io.farcall.agent.AgentRuntime",
            "io.farcall.agent.FarcallAgent",
            "io.farcall.agent.Hooks",
            AgentLogging.class.getName())
        .allSatisfy(name -> assertThat(name).startsWith("io.farcall.").doesNotContain("$"))
        .noneMatch(name -> name.startsWith("io.farcall.shaded."));
  }
}
