package acme.shapes;

import acme.shapes.figures.Square;
import io.farcall.RemoteRef;

/** Calls with every shape a local call accepts and prints what came back, one line each. */
public final class ShapesConsumer {
  @RemoteRef PartRepo repo;

  public static void main(String[] args) {
    new ShapesConsumer().run();
    System.out.println("DONE");
  }

  private void run() {
    Repo<Part> asRepo = repo;
    asRepo.save(new Part(1, "bolt"));
    repo.save(new Part(2, "nut"));
    System.out.println("find=" + repo.find(1) + " " + asRepo.find(2));
    System.out.println("all=" + repo.all().size());
    System.out.println("null-varargs=" + repo.count((String[]) null) + " " + repo.count("a", "b"));
    Node root = new Node();
    root.name = "root";
    Node child = new Node();
    child.name = "child";
    child.parent = root;
    root.children.add(child);
    root.children.add(child);
    Node back = repo.mirror(root);
    System.out.println(
        "graph="
            + (back.children.get(0) == back.children.get(1))
            + " "
            + (back.children.get(0).parent == back));
    System.out.println("area=" + repo.area(new Square(3)));
  }
}
