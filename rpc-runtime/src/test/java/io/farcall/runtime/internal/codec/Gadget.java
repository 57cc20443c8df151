package io.farcall.runtime.internal.codec;

/**
 * Stands for a deserialization gadget: a class on the provider's class path that no @Remote
 * interface mentions, whose initialisation or construction has a side effect.
 */
public class Gadget {
  static {
    GadgetFlags.initialised = true;
  }

  public String command;

  public Gadget() {
    GadgetFlags.constructed = true;
  }

  public Gadget(String command) {
    this();
    this.command = command;
  }
}
