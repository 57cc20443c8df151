package acme.shapes.figures;

/** A plain interface: no signature names its implementations. */
public interface Figure {
  double area();
}
