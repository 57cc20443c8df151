package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.Remote;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Shapes a local call accepts, called through a real provider and consumer: a generic
 * super-interface, null arrays and varargs, and object graphs with cycles and shared objects.
 */
class LikeLocalShapesTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  public record Part(long id, String name) {}

  /** Not remote itself: its type variable is bound by the remote interface that extends it. */
  public interface Repo<T> {
    void save(T item);

    T find(long id);

    List<T> all();
  }

  @Remote
  public interface PartRepo extends Repo<Part> {
    /** Redeclared with its bound type: the JVM sees find(long) returning Object and Part. */
    @Override
    Part find(long id);

    int count(String... names);

    int length(Object[] values);
  }

  public static class Node {
    String name;
    Node parent;
    List<Node> children = new ArrayList<>();
  }

  @Remote
  public interface Trees {
    Node mirror(Node root);
  }

  public static class PartRepoImpl implements PartRepo, Trees {
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
    public int length(Object[] values) {
      return values == null ? -1 : values.length;
    }

    @Override
    public Node mirror(Node root) {
      return root;
    }
  }

  private static Farcall provider;
  private static Farcall consumer;

  @BeforeAll
  static void start() {
    provider = Farcall.builder().registry(zk.connectString()).build();
    consumer = Farcall.builder().registry(zk.connectString()).build();
    provider.export(new PartRepoImpl());
  }

  @AfterAll
  static void stop() {
    consumer.close();
    provider.close();
  }

  @Test
  void aGenericSuperInterfacesMethodsTakeAndReturnItsBoundType() {
    PartRepo repo = consumer.stub(PartRepo.class);
    Repo<Part> asRepo = repo;

    asRepo.save(new Part(1, "bolt"));
    repo.save(new Part(2, "nut"));

    assertThat(repo.find(1)).isEqualTo(new Part(1, "bolt"));
    assertThat(asRepo.find(2)).isEqualTo(new Part(2, "nut"));
    assertThat(repo.all()).containsExactlyInAnyOrder(new Part(1, "bolt"), new Part(2, "nut"));
  }

  @Test
  void nullArraysAndNullVarargsArriveAsNull() {
    PartRepo repo = consumer.stub(PartRepo.class);

    assertThat(repo.count((String[]) null)).isEqualTo(-1);
    assertThat(repo.count()).isZero();
    assertThat(repo.count("a", "b")).isEqualTo(2);
    assertThat(repo.length(null)).isEqualTo(-1);
    assertThat(repo.length(new Object[] {"x", 1})).isEqualTo(2);
  }

  @Test
  void aCycleAndASharedObjectArriveAsTheyWereSent() {
    Node root = new Node();
    root.name = "root";
    Node child = new Node();
    child.name = "child";
    child.parent = root;
    root.children.add(child);
    root.children.add(child); // the same object twice

    Node read = consumer.stub(Trees.class).mirror(root);

    assertThat(read.children).hasSize(2);
    assertThat(read.children.get(0)).isSameAs(read.children.get(1));
    assertThat(read.children.get(0).parent).isSameAs(read);
  }
}
