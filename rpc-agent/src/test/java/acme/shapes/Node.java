package acme.shapes;

import java.util.ArrayList;
import java.util.List;

public class Node {
  public String name;
  public Node parent;
  public List<Node> children = new ArrayList<>();
}
