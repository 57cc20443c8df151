package io.farcall.runtime.internal;

import io.farcall.runtime.Farcall;
import io.farcall.runtime.internal.access.AccessSink;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Internal: how the Farcall agent tells the runtime it is attached. The agent installs its
 * runtime's supplier at start-up; {@link Farcall#agent()} reads it. Not a public API.
 */
public final class AgentLink {
  private static volatile Supplier<Farcall> runtime;
  private static volatile Function<ClassLoader, AccessSink> accessSinks;

  private AgentLink() {}

  /** The agent's runtime, started on first get; null without the agent. */
  public static Supplier<Farcall> runtime() {
    return runtime;
  }

  /**
   * Called once by the agent, at start-up.
   *
   * @param agentAccessSinks where the access lines of the services of a class loader go
   */
  public static void install(
      Supplier<Farcall> agentRuntime, Function<ClassLoader, AccessSink> agentAccessSinks) {
    accessSinks = agentAccessSinks;
    runtime = agentRuntime;
  }

  /** Where the access lines of services of {@code loader} go. */
  public static AccessSink accessSink(ClassLoader loader) {
    Function<ClassLoader, AccessSink> sinks = accessSinks;
    return sinks == null ? AccessSink.log4j() : sinks.apply(loader);
  }
}
