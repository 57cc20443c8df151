package io.farcall.demo.api;

import io.farcall.Idempotent;
import io.farcall.Remote;

/** Integer arithmetic. Every method is a pure function, so each is safe to retry. */
@Remote
public interface Calculator {
  @Idempotent
  int add(int a, int b);

  @Idempotent
  int multiply(int a, int b);

  /**
   * {@code a / b}, rounded toward zero.
   *
   * @throws InvalidOperation if {@code b} is zero
   */
  @Idempotent
  int divide(int a, int b) throws InvalidOperation;
}
