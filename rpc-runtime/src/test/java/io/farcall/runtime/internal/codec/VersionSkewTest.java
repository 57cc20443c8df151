package io.farcall.runtime.internal.codec;

import static io.farcall.runtime.internal.codec.TypeVersions.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.farcall.RemoteException;
import io.farcall.runtime.testing.ShapeTables;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two versions of one application's types, each in a class loader of its own with a codec of its
 * own, as a consumer and a provider in the middle of a rolling upgrade: every change the README's
 * "Changing your types" table calls safe arrives with the right values, every other one fails
 * naming the type and the field. Each test runs with the writer knowing the reader's shapes (the
 * hello arrived) and not knowing them.
 */
class VersionSkewTest {

  private static final String SHOP =
      "public interface Shop {"
          + " Item item(Item i); Rec rec(Rec r); Color color(Color c); Order order(Order o);"
          + " Wide wide(Wide w); Changed changed(Changed c); Child child(Child c);"
          + " Holder holder(Holder h); void fail() throws OutOfStock; }";

  private static final Map<String, String> V1 =
      sources(
          "Shop", SHOP,
          "Item", "public class Item { String sku; int qty; }",
          "Rec", "public record Rec(String sku, int qty) {}",
          "Color", "public enum Color { A, B }",
          "Order",
              "public class Order { List<Item> items; Map<String, Item> byId; Item main; Color color; }",
          "Wide", "public class Wide { int qty; float ratio; }",
          "Changed", "public class Changed { int qty; }",
          "Base", "public class Base { }",
          "Child", "public class Child extends Base { String name; }",
          "Node", "public class Node { String name; Node parent; }",
          "Holder", "public class Holder { Node b; Node c; }",
          "OutOfStock",
              "public class OutOfStock extends Exception { public int left;"
                  + " public OutOfStock(String m) { super(m); } }");

  private static final Map<String, String> V2 =
      sources(
          "Shop", SHOP,
          "Item", "public class Item { String note; int qty; String sku; Note extra; }",
          "Note", "public record Note(String text) {}",
          "Rec", "public record Rec(String sku, int qty, String note) {}",
          "Color", "public enum Color { A, X, B }",
          "Order",
              "public class Order { Color color; Item main; Map<String, Item> byId; List<Item> items; }",
          "Wide", "public class Wide { long qty; double ratio; }",
          "Changed", "public class Changed { String qty; }",
          "Base", "public class Base { int level; }",
          "Child", "public class Child extends Base { String name; }",
          "Node", "public class Node { String name; Node parent; }",
          "Holder", "public class Holder { Node a0; Node b; Node c; }",
          "OutOfStock",
              "public class OutOfStock extends Exception { public String left;"
                  + " public OutOfStock(String m) { super(m); } }");

  private static Map<String, String> sources(String... nameThenSource) {
    Map<String, String> sources = new java.util.LinkedHashMap<>();
    for (int i = 0; i < nameThenSource.length; i += 2) {
      sources.put(nameThenSource[i], nameThenSource[i + 1]);
    }
    return sources;
  }

  private static final Side ONE = new Side(TypeVersions.compile(V1));
  private static final Side TWO = new Side(TypeVersions.compile(V2));

  private record Side(TypeVersions types, BodyCodec codec) {
    Side(TypeVersions types) {
      this(types, codecFor(types));
    }

    private static BodyCodec codecFor(TypeVersions types) {
      BodyCodec codec = new BodyCodec(List.of());
      codec.allowInterface(types.type("Shop"));
      return codec;
    }

    PeerShapes shapes() {
      return ShapeTables.heardFrom(codec);
    }
  }

  /** Writes {@code value} as a {@code typeName} on one side and reads it on the other. */
  private static Object send(Side from, Side to, boolean known, String typeName, Object value) {
    ByteBuf body = Unpooled.buffer();
    try {
      from.codec.writeValue(
          body, value, from.types.type(typeName), known ? to.shapes() : PeerShapes.UNKNOWN);
      Object read = to.codec.readValue(body, to.types.type(typeName));
      assertThat(body.isReadable()).as("every byte written is read").isFalse();
      return read;
    } finally {
      body.release();
    }
  }

  private static Object item(Side side, String sku, int qty) {
    Object item = side.types.make("Item");
    set(item, "sku", sku);
    set(item, "qty", qty);
    return item;
  }

  private static void set(Object object, String field, Object value) {
    try {
      var f = object.getClass().getDeclaredField(field);
      f.setAccessible(true);
      f.set(object, value);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @ParameterizedTest(name = "peer known: {0}")
  @ValueSource(booleans = {true, false})
  void aFieldAddedReorderedOrRemovedKeepsEveryValueBothWays(boolean known) {
    Object fromOne = send(ONE, TWO, known, "Item", item(ONE, "s1", 7));
    assertThat(get(fromOne, "sku")).isEqualTo("s1");
    assertThat(get(fromOne, "qty")).isEqualTo(7);
    assertThat(get(fromOne, "note")).as("a field the sender lacks: its default").isNull();

    Object two = item(TWO, "s2", 3);
    set(two, "note", "fragile");
    set(two, "extra", TWO.types.make("Note", "a type the reader does not even have"));
    Object fromTwo = send(TWO, ONE, known, "Item", two);
    assertThat(get(fromTwo, "sku")).isEqualTo("s2");
    assertThat(get(fromTwo, "qty")).isEqualTo(3);
  }

  @ParameterizedTest(name = "peer known: {0}")
  @ValueSource(booleans = {true, false})
  void aRecordComponentAddedOrRemovedKeepsEveryValueBothWays(boolean known) {
    Object fromOne = send(ONE, TWO, known, "Rec", ONE.types.make("Rec", "s1", 7));
    assertThat(fromOne.toString()).isEqualTo("Rec[sku=s1, qty=7, note=null]");

    Object fromTwo = send(TWO, ONE, known, "Rec", TWO.types.make("Rec", "s2", 3, "n"));
    assertThat(fromTwo.toString()).isEqualTo("Rec[sku=s2, qty=3]");
  }

  @ParameterizedTest(name = "peer known: {0}")
  @ValueSource(booleans = {true, false})
  void enumConstantsAreMatchedByNameAndOneTheReaderLacksIsRefusedNamingIt(boolean known) {
    assertThat(send(ONE, TWO, known, "Color", ONE.types.constant("Color", "B")))
        .hasToString("B")
        .isSameAs(TWO.types.constant("Color", "B"));
    assertThat(send(TWO, ONE, known, "Color", TWO.types.constant("Color", "B"))).hasToString("B");
    assertThat(send(TWO, ONE, known, "Color", TWO.types.constant("Color", "A"))).hasToString("A");

    assertThatThrownBy(() -> send(TWO, ONE, known, "Color", TWO.types.constant("Color", "X")))
        .isInstanceOf(BodyDecodingException.class)
        .hasMessageContaining("enum app.Color has no constant X here");
  }

  @ParameterizedTest(name = "peer known: {0}")
  @ValueSource(booleans = {true, false})
  void changedTypesInsideCollectionsMapsAndFieldsArriveRight(boolean known) {
    Object order = ONE.types.make("Order");
    set(order, "items", List.of(item(ONE, "a", 1), item(ONE, "b", 2)));
    set(order, "byId", Map.of("c", item(ONE, "c", 3)));
    set(order, "main", item(ONE, "d", 4));
    set(order, "color", ONE.types.constant("Color", "B"));

    Object read = send(ONE, TWO, known, "Order", order);

    List<?> items = (List<?>) get(read, "items");
    assertThat(items).extracting(i -> get(i, "sku")).containsExactly("a", "b");
    assertThat(items).extracting(i -> get(i, "qty")).containsExactly(1, 2);
    assertThat(get(((Map<?, ?>) get(read, "byId")).get("c"), "qty")).isEqualTo(3);
    assertThat(get(get(read, "main"), "sku")).isEqualTo("d");
    assertThat(get(read, "color")).isSameAs(TWO.types.constant("Color", "B"));
  }

  @ParameterizedTest(name = "peer known: {0}")
  @ValueSource(booleans = {true, false})
  void aWidenedNumberArrivesBothWaysWhileItFitsAndIsRefusedWhenItDoesNot(boolean known) {
    Object one = ONE.types.make("Wide");
    set(one, "qty", 7);
    set(one, "ratio", 0.5f);
    Object widened = send(ONE, TWO, known, "Wide", one);
    assertThat(get(widened, "qty")).isEqualTo(7L);
    assertThat(get(widened, "ratio")).isEqualTo(0.5d);

    Object two = TWO.types.make("Wide");
    set(two, "qty", 9L);
    set(two, "ratio", 0.25d);
    Object narrowed = send(TWO, ONE, known, "Wide", two);
    assertThat(get(narrowed, "qty")).isEqualTo(9);
    assertThat(get(narrowed, "ratio")).isEqualTo(0.25f);

    set(two, "qty", 1L << 40);
    assertThatThrownBy(() -> send(TWO, ONE, known, "Wide", two))
        .isInstanceOf(BodyDecodingException.class)
        .hasMessageContaining("field 'qty' of app.Wide is a int here")
        .hasMessageContaining("long value 1099511627776");
  }

  @ParameterizedTest(name = "peer known: {0}")
  @ValueSource(booleans = {true, false})
  void aFieldWhoseTypeChangedToAnUnrelatedOneIsRefusedNamingBothTypes(boolean known) {
    Object one = ONE.types.make("Changed");
    set(one, "qty", 7);
    assertThatThrownBy(() -> send(ONE, TWO, known, "Changed", one))
        .isInstanceOf(BodyDecodingException.class)
        .hasMessageContaining(
            "field 'qty' of app.Changed arrived as a java.lang.Integer, but is a java.lang.String"
                + " here");
  }

  @ParameterizedTest(name = "peer known: {0}")
  @ValueSource(booleans = {true, false})
  void fieldsASuperclassGainedAreDefaultedOrDropped(boolean known) {
    Object one = ONE.types.make("Child");
    set(one, "name", "n1");
    Object read = send(ONE, TWO, known, "Child", one);
    assertThat(get(read, "name")).isEqualTo("n1");

    Object two = TWO.types.make("Child");
    set(two, "name", "n2");
    assertThat(get(send(TWO, ONE, known, "Child", two), "name")).isEqualTo("n2");
  }

  @Test
  void anExceptionWhoseFieldChangedTypeArrivesAsARemoteExceptionNotWithAWrongField() {
    Throwable thrown = (Throwable) TWO.types.make("OutOfStock", "none left");
    set(thrown, "left", "zero");
    ByteBuf body = Unpooled.buffer();
    try {
      TWO.codec.writeError(body, thrown, ONE.shapes());
      Throwable read =
          ONE.codec.readError(
              body, new Class<?>[] {ONE.types.type("OutOfStock")}, ONE.types.loader());

      assertThat(read).isExactlyInstanceOf(RemoteException.class);
      assertThat(((RemoteException) read).remoteType()).isEqualTo("app.OutOfStock");
      assertThat(read.getSuppressed()[0])
          .hasMessageContaining("field 'left' of app.OutOfStock arrived as a java.lang.String");
    } finally {
      body.release();
    }
  }

  @Test
  void typesWithTheSameShapeOnBothSidesTravelPositionallyOnceThePeerIsKnown() {
    Side other = new Side(TypeVersions.compile(V1));
    Object item = item(ONE, "s", 5);

    ByteBuf positional = Unpooled.buffer();
    ByteBuf byName = Unpooled.buffer();
    try {
      ONE.codec.writeValue(positional, item, ONE.types.type("Item"), other.shapes());
      ONE.codec.writeValue(byName, item, ONE.types.type("Item"), PeerShapes.UNKNOWN);

      // NOT_NULL, then the serializer's mark: positional or by name.
      assertThat(positional.getByte(1)).isEqualTo((byte) ShapedSerializer.POSITIONAL);
      assertThat(byName.getByte(1)).isEqualTo((byte) ShapedSerializer.BY_NAME);
      assertThat(positional.readableBytes()).isLessThan(byName.readableBytes());
      assertThat(get(other.codec.readValue(positional, other.types.type("Item")), "qty"))
          .isEqualTo(5);
    } finally {
      positional.release();
      byName.release();
    }
  }

  @Test
  void aChangedTypeNeverTravelsPositionallyEvenToAKnownPeer() {
    ByteBuf body = Unpooled.buffer();
    try {
      ONE.codec.writeValue(body, item(ONE, "s", 5), ONE.types.type("Item"), TWO.shapes());
      assertThat(body.getByte(1)).isEqualTo((byte) ShapedSerializer.BY_NAME);
    } finally {
      body.release();
    }
  }

  @Test
  void theContractsFingerprintTellsVersionsApartAndItsTextSaysHow() {
    Contract one = ONE.codec.contract(ONE.types.type("Shop"));
    Side recompiled = new Side(TypeVersions.compile(V1));
    Contract again = recompiled.codec.contract(recompiled.types.type("Shop"));
    Contract two = TWO.codec.contract(TWO.types.type("Shop"));

    assertThat(again).as("the same classes, compiled again").isEqualTo(one);
    assertThat(two.fingerprint()).isNotEqualTo(one.fingerprint()).hasSize(16);
    assertThat(one.text())
        .startsWith("interface app.Shop\n")
        .contains("  item(app.Item) -> app.Item\n", "  fail() -> void throws app.OutOfStock")
        .contains("class app.Item\n  qty: int\n  sku: java.lang.String!")
        .contains("enum app.Color\n  A\n  B")
        .contains("exception app.OutOfStock\n  left: int");
    assertThat(two.text()).contains("enum app.Color\n  A\n  X\n  B", "record app.Note");
  }

  @Test
  void objectsWithIdentityInsideAMemberTheReaderSkipsKeepTheReferencesAfterItRight() {
    Object first = TWO.types.make("Node");
    set(first, "name", "only in v2's new field");
    Object shared = TWO.types.make("Node");
    set(shared, "name", "shared");
    Object holder = TWO.types.make("Holder");
    set(holder, "a0", first);
    set(holder, "b", shared);
    set(holder, "c", shared);

    Object read = send(TWO, ONE, true, "Holder", holder);

    assertThat(get(get(read, "b"), "name")).isEqualTo("shared");
    assertThat(get(read, "c")).isSameAs(get(read, "b"));
  }

  @Test
  void aReferenceIntoAMemberTheReaderSkippedIsRefusedNotMisread() {
    Object node = TWO.types.make("Node");
    set(node, "name", "n");
    Object holder = TWO.types.make("Holder");
    set(holder, "a0", node);
    set(holder, "b", node);

    assertThatThrownBy(() -> send(TWO, ONE, true, "Holder", holder))
        .isInstanceOf(BodyDecodingException.class)
        .hasMessageContaining("field 'b' of app.Holder")
        .hasMessageContaining("a reference to an object inside a member this side does not have");
  }
}
