package io.farcall.runtime.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Object graphs arrive as the graph that was sent: a cycle as a cycle, an object reached twice as
 * one object, for the classes whose objects can form a cycle; other values as values, at no cost.
 */
class SharedObjectsTest {

  public static class Node {
    String name;
    Node parent;
    List<Node> children = new ArrayList<>();

    Node() {}

    Node(String name) {
      this.name = name;
    }

    Node add(Node child) {
      child.parent = this;
      children.add(child);
      return this;
    }
  }

  public static class Pair {
    Node left;
    Node right;
    Item first;
    Item second;
  }

  public static final class Item {
    String sku;
  }

  public static class Box {
    Object content;
  }

  public interface Graphs {
    Node tree(Node root);

    Pair pair(Pair pair);

    Box box(Box box);
  }

  private static final BodyCodec CODEC = codec();

  private static BodyCodec codec() {
    BodyCodec codec = new BodyCodec(List.of());
    codec.allowInterface(Graphs.class);
    return codec;
  }

  private static <T> T roundTrip(T value, Class<T> type, PeerShapes peer) {
    ByteBuf body = Unpooled.buffer();
    try {
      CODEC.writeValue(body, value, type, peer);
      T read = type.cast(CODEC.readValue(body, type));
      assertThat(body.isReadable()).isFalse();
      return read;
    } finally {
      body.release();
    }
  }

  @ParameterizedTest(name = "positional: {0}")
  @ValueSource(booleans = {true, false})
  void aCycleArrivesAsACycle(boolean positional) {
    Node root = new Node("root").add(new Node("a")).add(new Node("b"));

    Node read = roundTrip(root, Node.class, positional ? PeerShapes.SAME : PeerShapes.UNKNOWN);

    assertThat(read.children).extracting(n -> n.name).containsExactly("a", "b");
    assertThat(read.children).allSatisfy(child -> assertThat(child.parent).isSameAs(read));
  }

  @ParameterizedTest(name = "positional: {0}")
  @ValueSource(booleans = {true, false})
  void anObjectReachedTwiceArrivesOnceWhenItsClassCanFormACycle(boolean positional) {
    Pair pair = new Pair();
    pair.left = new Node("shared");
    pair.right = pair.left;

    Pair read = roundTrip(pair, Pair.class, positional ? PeerShapes.SAME : PeerShapes.UNKNOWN);

    assertThat(read.left).isSameAs(read.right);
    assertThat(read.left.name).isEqualTo("shared");
  }

  @Test
  void aFieldThatMayHoldAnythingMakesItsClassOneWithIdentity() {
    Box box = new Box();
    box.content = box;

    Box read = roundTrip(box, Box.class, PeerShapes.SAME);

    assertThat(read.content).isSameAs(read);
  }

  @Test
  void onlyClassesThatCanFormACycleGoWithIdentity() {
    assertThat(CyclicTypes.of(List.of(Node.class, Pair.class, Item.class, Box.class, String.class)))
        .containsExactlyInAnyOrder(Node.class, Box.class);
  }

  @Test
  void valuesOfOtherClassesCostNoIdentity() {
    Item item = new Item();
    item.sku = "s";
    ByteBuf body = Unpooled.buffer();
    try {
      CODEC.writeValue(body, item, Item.class, PeerShapes.SAME);
      // NOT_NULL, then the plain positional mark: no object id.
      assertThat(body.getByte(1)).isEqualTo((byte) ShapedSerializer.POSITIONAL);
    } finally {
      body.release();
    }
  }
}
