package io.farcall.runtime.allowed;

public record Circle(double radius) implements Figure {
  @Override
  public double area() {
    return Math.PI * radius * radius;
  }
}
