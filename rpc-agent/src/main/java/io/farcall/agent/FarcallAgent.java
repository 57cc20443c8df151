package io.farcall.agent;

import java.lang.instrument.Instrumentation;

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
      AgentLogging.configure(options.logLevel());
      AgentRuntime.configure(options.settings());
      inst.addTransformer(new PrefilterTransformer(), false);
    } catch (RuntimeException | LinkageError e) {
      System.err.println("farcall: agent not installed, the application runs without it: " + e);
    }
  }
}
