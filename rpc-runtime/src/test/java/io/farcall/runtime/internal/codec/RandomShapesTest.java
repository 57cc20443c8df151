package io.farcall.runtime.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.farcall.runtime.testing.ShapeTables;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Pairs of randomly generated versions of a type (fields added, removed, reordered, retyped; a
 * record on one side and a class on the other; enum constants added, removed and reordered) never
 * decode into a wrong value: every value a v1 writer sends is read by a v2 reader either exactly as
 * the README's rules say (same value, or the number in the reader's type, or the default for a
 * field the writer lacks), or refused with a {@link BodyDecodingException} when one of its fields
 * cannot be mapped. The oracle below knows nothing of the codec but those rules.
 */
class RandomShapesTest {
  private static final int PAIRS = 60;
  private static final List<String> NAMES = List.of("a", "b", "c", "d", "e", "f");
  private static final List<String> TYPES =
      List.of("int", "long", "double", "String", "List<String>", "List<Integer>", "Color");
  private static final List<String> CONSTANTS = List.of("R", "G", "B", "Y");

  /** One generated version of type {@code Gen<i>} and its enum {@code Color<i>}. */
  private record Shape(boolean record, Map<String, String> fields, List<String> constants) {
    String source(int i) {
      StringBuilder s = new StringBuilder();
      List<String> decls = new ArrayList<>();
      fields.forEach((name, type) -> decls.add(type.replace("Color", "Color" + i) + " " + name));
      if (record) {
        s.append("public record Gen").append(i).append("(").append(String.join(", ", decls));
        s.append(") {}\n");
      } else {
        s.append("public class Gen").append(i).append(" {");
        decls.forEach(d -> s.append(" public ").append(d).append(";"));
        s.append(" }\n");
      }
      return s.toString();
    }
  }

  private static Shape randomShape(Random random) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String name : NAMES) {
      if (random.nextInt(3) > 0) {
        fields.put(name, TYPES.get(random.nextInt(TYPES.size())));
      }
    }
    return new Shape(random.nextBoolean(), fields, constants(random));
  }

  private static List<String> constants(Random random) {
    List<String> constants = new ArrayList<>();
    for (String c : CONSTANTS) {
      if (random.nextInt(4) > 0) {
        constants.add(c);
      }
    }
    if (constants.isEmpty()) {
      constants.add("R");
    }
    Collections.shuffle(constants, random);
    return constants;
  }

  /** Version 2: each field kept, retyped or dropped, new ones added, the order shuffled. */
  private static Shape mutate(Shape v1, Random random) {
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    for (String name : NAMES) {
      String type = v1.fields.get(name);
      int roll = random.nextInt(10);
      if (type == null ? roll < 3 : roll < 2) {
        fields.add(Map.entry(name, TYPES.get(random.nextInt(TYPES.size())))); // added or retyped
      } else if (type != null && roll >= 8) {
        continue; // dropped
      } else if (type != null) {
        fields.add(Map.entry(name, type));
      }
    }
    Collections.shuffle(fields, random);
    Map<String, String> ordered = new LinkedHashMap<>();
    fields.forEach(e -> ordered.put(e.getKey(), e.getValue()));
    boolean record = random.nextInt(4) == 0 ? !v1.record : v1.record;
    List<String> constants = random.nextBoolean() ? v1.constants : constants(random);
    return new Shape(record, ordered, constants);
  }

  private static Map<String, String> sources(List<Shape> shapes) {
    Map<String, String> sources = new LinkedHashMap<>();
    StringBuilder fuzz = new StringBuilder("public interface Fuzz {");
    for (int i = 0; i < shapes.size(); i++) {
      Shape s = shapes.get(i);
      sources.put("Gen" + i, s.source(i));
      sources.put(
          "Color" + i, "public enum Color" + i + " { " + String.join(", ", s.constants) + " }");
      fuzz.append(" Gen").append(i).append(" g").append(i).append("(Gen").append(i).append(" x);");
    }
    sources.put("Fuzz", fuzz.append(" }").toString());
    return sources;
  }

  @Test
  void randomPairsOfVersionsNeverDecodeIntoAWrongValue() throws Exception {
    Random random = new Random(20261201);
    List<Shape> ones = new ArrayList<>();
    List<Shape> twos = new ArrayList<>();
    for (int i = 0; i < PAIRS; i++) {
      Shape one = randomShape(random);
      ones.add(one);
      twos.add(mutate(one, random));
    }
    TypeVersions v1 = TypeVersions.compile(sources(ones));
    TypeVersions v2 = TypeVersions.compile(sources(twos));
    BodyCodec writer = codec(v1);
    BodyCodec reader = codec(v2);
    PeerShapes readerShapes = ShapeTables.heardFrom(reader);

    int mapped = 0;
    int refused = 0;
    for (int i = 0; i < PAIRS; i++) {
      for (int round = 0; round < 5; round++) {
        Map<String, Object> sent = values(ones.get(i), v1, i, random);
        Object value = build(v1, "Gen" + i, ones.get(i), sent, i);
        Map<String, Object> expected = expect(ones.get(i), twos.get(i), sent, v2, i);
        boolean known = random.nextBoolean();
        ByteBuf body = Unpooled.buffer();
        try {
          writer.writeValue(
              body, value, v1.type("Gen" + i), known ? readerShapes : PeerShapes.UNKNOWN);
          Object read;
          try {
            read = reader.readValue(body, v2.type("Gen" + i));
          } catch (BodyDecodingException e) {
            assertThat(expected)
                .as(
                    "pair %d refused (%s) although every field maps: %s -> %s, sent %s",
                    i, e.getMessage(), ones.get(i), twos.get(i), sent)
                .isNull();
            assertThat(e.getMessage()).containsAnyOf("app.Gen" + i, "app.Color" + i);
            refused++;
            continue;
          }
          if (expected == null) {
            fail(
                "pair %d decoded %s -> %s, sent %s, but a field cannot map",
                i, ones.get(i), twos.get(i), sent);
          }
          for (Map.Entry<String, Object> field : expected.entrySet()) {
            assertThat(TypeVersions.get(read, field.getKey()))
                .as(
                    "pair %d field %s: %s -> %s, sent %s",
                    i, field.getKey(), ones.get(i), twos.get(i), sent)
                .isEqualTo(field.getValue());
          }
          mapped++;
        } finally {
          body.release();
        }
      }
    }
    assertThat(mapped).as("values mapped").isGreaterThan(PAIRS);
    assertThat(refused).as("values refused").isGreaterThan(PAIRS / 2);
  }

  private static BodyCodec codec(TypeVersions types) {
    BodyCodec codec = new BodyCodec(List.of());
    codec.allowInterface(types.type("Fuzz"));
    return codec;
  }

  /** Random values for a v1 shape's fields, enum constants by name. */
  private static Map<String, Object> values(Shape shape, TypeVersions v1, int i, Random random) {
    Map<String, Object> values = new LinkedHashMap<>();
    shape.fields.forEach(
        (name, type) ->
            values.put(
                name,
                switch (type) {
                  case "int" -> random.nextBoolean() ? random.nextInt(100) : random.nextInt();
                  case "long" ->
                      random.nextBoolean() ? (long) random.nextInt(100) : random.nextLong();
                  case "double" ->
                      random.nextBoolean() ? (double) random.nextInt(9) : random.nextDouble();
                  case "String" -> random.nextInt(5) == 0 ? null : "s" + random.nextInt(100);
                  case "List<String>" -> random.nextInt(5) == 0 ? List.of() : List.of("x", "y");
                  case "List<Integer>" -> random.nextInt(5) == 0 ? List.of() : List.of(1, 2);
                  default -> shape.constants.get(random.nextInt(shape.constants.size()));
                }));
    return values;
  }

  private static Object build(
      TypeVersions types, String name, Shape shape, Map<String, Object> values, int i) {
    List<Object> args = new ArrayList<>();
    for (Map.Entry<String, Object> e : values.entrySet()) {
      Object v = e.getValue();
      args.add(
          shape.fields.get(e.getKey()).equals("Color")
              ? types.constant("Color" + i, (String) v)
              : v);
    }
    if (shape.record) {
      return types.make(name, args.toArray());
    }
    Object object = types.make(name);
    int k = 0;
    for (String field : values.keySet()) {
      try {
        var f = object.getClass().getDeclaredField(field);
        f.set(object, args.get(k++));
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(e);
      }
    }
    return object;
  }

  /**
   * What the v2 reader must see in each of its fields, by the README's rules alone; null if some
   * field cannot be mapped, so the value must be refused.
   */
  private static Map<String, Object> expect(
      Shape one, Shape two, Map<String, Object> sent, TypeVersions v2, int i) {
    Map<String, Object> expected = new LinkedHashMap<>();
    for (Map.Entry<String, String> field : two.fields.entrySet()) {
      String name = field.getKey();
      String to = field.getValue();
      if (!one.fields.containsKey(name)) {
        expected.put(name, defaultOf(to));
        continue;
      }
      Object value = sent.get(name);
      String from = one.fields.get(name);
      Object fitted = fit(value, from, to, two, v2, i);
      if (fitted == REFUSED) {
        return null;
      }
      expected.put(name, fitted);
    }
    return expected;
  }

  private static final Object REFUSED = new Object();

  private static Object fit(
      Object value, String from, String to, Shape two, TypeVersions v2, int i) {
    if (value == null) { // fits any reference: a null is no wrong value of any type
      return to.equals("int") || to.equals("long") || to.equals("double") ? REFUSED : null;
    }
    if (from.equals("Color") || to.equals("Color")) {
      if (!from.equals(to)) {
        return REFUSED;
      }
      return two.constants.contains(value) ? v2.constant("Color" + i, (String) value) : REFUSED;
    }
    if (from.equals(to)) {
      return value;
    }
    if (from.startsWith("List") && to.startsWith("List")) {
      return ((List<?>) value).isEmpty() ? value : REFUSED; // an empty list holds no wrong element
    }
    if (value instanceof Double d) {
      return to.equals("double") ? d : REFUSED;
    }
    if (value instanceof Number n) {
      long v = n.longValue();
      return switch (to) {
        case "int" -> v == (int) v ? (Object) (int) v : REFUSED;
        case "long" -> (Object) v;
        case "double" ->
            (long) (double) v == v && v != Long.MAX_VALUE ? (Object) (double) v : REFUSED;
        default -> REFUSED;
      };
    }
    return REFUSED;
  }

  private static Object defaultOf(String type) {
    return switch (type) {
      case "int" -> 0;
      case "long" -> 0L;
      case "double" -> 0.0;
      default -> null;
    };
  }
}
