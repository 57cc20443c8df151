package io.farcall.runtime.internal.codec;

/**
 * Records whether {@link Gadget} was ever initialised or constructed in this class loader. Kept
 * apart from Gadget so that reading the flags does not initialise Gadget.
 */
public final class GadgetFlags {
  public static volatile boolean initialised;
  public static volatile boolean constructed;

  private GadgetFlags() {}
}
