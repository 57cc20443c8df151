package io.farcall.demo.api;

/** The operations of the {@link Calculator}. */
public enum Operation {
  ADD,
  MULTIPLY,
  DIVIDE
}
