package io.farcall.runtime.allowed;

/** A plain interface: which classes implement it, no signature says. */
public interface Figure {
  double area();
}
