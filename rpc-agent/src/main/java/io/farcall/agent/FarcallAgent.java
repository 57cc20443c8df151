package io.farcall.agent;

import io.farcall.runtime.internal.AgentLink;
import java.lang.instrument.Instrumentation;
import org.apache.logging.log4j.LogManager;

/**
 * The {@code -javaagent} entry points. They do as little as possible: read and check the options,
 * then install the class-file hooks. Nothing else starts until an {@code @Export} object is
 * constructed or a {@code @RemoteRef} field is filled.
 *
 * <p>A bad option stops the JVM before the application starts, with one message naming the option;
 * any other trouble is reported and the application starts without Farcall, never half-hooked.
 */
public final class FarcallAgent {
  private FarcallAgent() {}

  public static void premain(String args, Instrumentation inst) {
    start(args, inst, true);
  }

  /** When attached to a running JVM: hooks classes loaded from now on. */
  public static void agentmain(String args, Instrumentation inst) {
    start(args, inst, false);
  }

  /**
   * A second start in the same JVM (the agent given twice, say once in {@code JAVA_TOOL_OPTIONS},
   * or attached to a JVM that has it) would hook every class twice and export every object twice.
   */
  private static void alreadyRunning() {
    LogManager.getLogger(FarcallAgent.class)
        .info("the Farcall agent is already running in this JVM; loading it again does nothing");
  }

  private static void start(String args, Instrumentation inst, boolean atLaunch) {
    AgentOptions.Parsed options;
    try {
      options = AgentOptions.parse(args, System.getProperties(), System::getenv);
    } catch (IllegalArgumentException e) {
      System.err.println("farcall: " + e.getMessage());
      if (atLaunch) {
        System.exit(2);
      }
      return;
    }
    try {
      // Our copy of Byte Buddy (the name is relocated with it) needs no sun.misc.Unsafe, whose
      // use newer JDKs warn about on standard error.
      if (System.getProperty("net.bytebuddy.safe") == null) {
        System.setProperty("net.bytebuddy.safe", "true");
      }
      if (AgentRuntime.configured()) {
        alreadyRunning();
        return;
      }
      AgentLogging.configure(options.logLevel());
      if (!AgentRuntime.configure(options.settings())) {
        alreadyRunning();
        return;
      }
      AgentLink.install(AgentRuntime::farcall, ApplicationAccessLog::sinkFor);
      inst.addTransformer(new PrefilterTransformer(), false);
    } catch (RuntimeException | LinkageError e) {
      System.err.println("farcall: agent not installed, the application runs without it: " + e);
    }
  }
}
