package io.farcall.demo;

/** A step of the demo did not happen as it should; the message says which and why. */
final class DemoFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  DemoFailure(String message) {
    super(message);
  }
}
