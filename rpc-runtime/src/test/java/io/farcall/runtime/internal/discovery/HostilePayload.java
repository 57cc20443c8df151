package io.farcall.runtime.internal.discovery;

/**
 * Stands for a gadget class that registry data could name: it records being loaded and being
 * instantiated. No test refers to it except by its name, in JSON.
 */
public class HostilePayload {
  static {
    HostileFlags.LOADED.set(true);
  }

  public String command;

  public HostilePayload() {
    HostileFlags.CONSTRUCTED.set(true);
  }
}
