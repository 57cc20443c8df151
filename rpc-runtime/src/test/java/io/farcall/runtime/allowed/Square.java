package io.farcall.runtime.allowed;

public record Square(double side) implements Figure {
  @Override
  public double area() {
    return side * side;
  }
}
