package io.farcall.demo.provider;

import io.farcall.Export;
import io.farcall.demo.api.Calculator;
import io.farcall.demo.api.InvalidOperation;
import io.farcall.demo.api.Operation;

/** Exported as soon as it is constructed. */
@Export
public class CalculatorImpl implements Calculator {
  @Override
  public int add(int a, int b) {
    System.out.println("served add(" + a + ", " + b + ")");
    return Math.addExact(a, b);
  }

  @Override
  public int multiply(int a, int b) {
    System.out.println("served multiply(" + a + ", " + b + ")");
    return Math.multiplyExact(a, b);
  }

  @Override
  public int divide(int a, int b) throws InvalidOperation {
    System.out.println("served divide(" + a + ", " + b + ")");
    if (b == 0) {
      throw new InvalidOperation(Operation.DIVIDE, "cannot divide " + a + " by 0");
    }
    return a / b;
  }
}
