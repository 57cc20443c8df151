package io.farcall.runtime.internal;

import io.farcall.runtime.Farcall;
import java.util.function.Supplier;

/**
 * Internal: how the Farcall agent tells the runtime it is attached. The agent installs its
 * runtime's supplier at start-up; {@link Farcall#agent()} reads it. Not a public API.
 */
public final class AgentLink {
  private static volatile Supplier<Farcall> runtime;

  private AgentLink() {}

  /** The agent's runtime, started on first get; null without the agent. */
  public static Supplier<Farcall> runtime() {
    return runtime;
  }

  /** Called once by the agent, at start-up. */
  public static void install(Supplier<Farcall> agentRuntime) {
    runtime = agentRuntime;
  }
}
