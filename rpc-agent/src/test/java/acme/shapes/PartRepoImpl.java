package acme.shapes;

import acme.shapes.figures.Figure;
import io.farcall.Export;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

@Export
public class PartRepoImpl implements PartRepo {
  private final Map<Long, Part> parts = new ConcurrentHashMap<>();

  @Override
  public void save(Part item) {
    parts.put(item.id(), item);
  }

  @Override
  public Part find(long id) {
    return parts.get(id);
  }

  @Override
  public List<Part> all() {
    return List.copyOf(parts.values());
  }

  @Override
  public int count(String... names) {
    return names == null ? -1 : names.length;
  }

  @Override
  public Node mirror(Node root) {
    return root;
  }

  @Override
  public double area(Figure figure) {
    return figure.area();
  }
}
