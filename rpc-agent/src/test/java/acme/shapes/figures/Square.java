package acme.shapes.figures;

public record Square(double side) implements Figure {
  @Override
  public double area() {
    return side * side;
  }
}
