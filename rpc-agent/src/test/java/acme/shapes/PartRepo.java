package acme.shapes;

import acme.shapes.figures.Figure;
import io.farcall.Remote;

@Remote
public interface PartRepo extends Repo<Part> {
  int count(String... names);

  Node mirror(Node root);

  double area(Figure figure);
}
