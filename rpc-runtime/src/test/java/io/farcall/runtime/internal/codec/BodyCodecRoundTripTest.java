package io.farcall.runtime.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.farcall.runtime.internal.codec.Fixtures.Address;
import io.farcall.runtime.internal.codec.Fixtures.Catalog;
import io.farcall.runtime.internal.codec.Fixtures.Category;
import io.farcall.runtime.internal.codec.Fixtures.Circle;
import io.farcall.runtime.internal.codec.Fixtures.Inventory;
import io.farcall.runtime.internal.codec.Fixtures.Price;
import io.farcall.runtime.internal.codec.Fixtures.Product;
import io.farcall.runtime.internal.codec.Fixtures.Role;
import io.farcall.runtime.internal.codec.Fixtures.Shape;
import io.farcall.runtime.internal.codec.Fixtures.Square;
import io.farcall.runtime.internal.codec.Fixtures.Stock;
import io.farcall.runtime.internal.codec.Fixtures.User;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BodyCodecRoundTripTest {
  /**
   * What writers know of the reader: by default that it has the same shapes, so values travel
   * positionally; {@link ByNameRoundTripTest} runs every test with a reader nothing is known of.
   */
  private final PeerShapes peer = writersKnowOfTheReader();

  PeerShapes writersKnowOfTheReader() {
    return PeerShapes.SAME;
  }

  private static BodyCodec codecFor(Class<?>... interfaces) {
    BodyCodec codec = new BodyCodec(List.of());
    for (Class<?> remote : interfaces) {
      codec.allowInterface(remote);
    }
    return codec;
  }

  private Object[] roundTrip(BodyCodec writer, BodyCodec reader, Object[] args, Class<?>[] types) {
    ByteBuf buf = Unpooled.buffer();
    try {
      writer.writeArguments(buf, args, types, peer);
      Object[] read = reader.readArguments(buf, types);
      assertThat(buf.isReadable()).as("every written byte is consumed").isFalse();
      return read;
    } finally {
      buf.release();
    }
  }

  private Object valueRoundTrip(BodyCodec codec, Object value, Class<?> declared) {
    ByteBuf buf = Unpooled.buffer();
    try {
      codec.writeValue(buf, value, declared, peer);
      Object read = codec.readValue(buf, declared);
      assertThat(buf.isReadable()).isFalse();
      return read;
    } finally {
      buf.release();
    }
  }

  @Test
  void argumentsOfEveryKindInTheInterfacesComeBackEqual() throws Exception {
    BodyCodec codec = codecFor(Inventory.class);
    User alice = new User(1, "alice", List.of(new Address("Main St", "Springfield")));
    Object[] args = {
      Map.of("Springfield", new Address("Elm St", "Springfield")),
      EnumSet.of(Role.CLERK, Role.ADMIN)
    };
    Class<?>[] types = Inventory.class.getMethod("users", Map.class, Set.class).getParameterTypes();

    assertThat(roundTrip(codec, codec, args, types)).containsExactly(args);
    assertThat(valueRoundTrip(codec, List.of(alice), Object.class)).isEqualTo(List.of(alice));
    assertThat(((User) valueRoundTrip(codec, alice, User.class)).addresses())
        .isEqualTo(alice.addresses());
  }

  @Test
  void primitivesFinalTypesAndArraysTravelAgainstTheirDeclaredTypes() throws Exception {
    BodyCodec codec = codecFor(Inventory.class);
    Class<?>[] types =
        Inventory.class
            .getMethod("find", UUID.class, Instant.class, long[].class, BigDecimal.class)
            .getParameterTypes();
    Object[] args = {UUID.randomUUID(), Instant.now(), new long[] {1, -2, Long.MAX_VALUE}, null};

    Object[] read = roundTrip(codec, codec, args, types);

    assertThat(read[0]).isEqualTo(args[0]);
    assertThat(read[1]).isEqualTo(args[1]);
    assertThat((long[]) read[2]).containsExactly(1, -2, Long.MAX_VALUE);
    assertThat(read[3]).isNull();
    assertThat(
            roundTrip(
                codec, codec, new Object[] {"sku-1", 5}, new Class<?>[] {String.class, int.class}))
        .containsExactly("sku-1", 5);
  }

  @Test
  void sealedInterfacesAllowTheirPermittedRecords() {
    BodyCodec codec = codecFor(Inventory.class);
    Shape[] shapes = {new Circle(1.5), new Square(2), null};

    Object[] read = roundTrip(codec, codec, new Object[] {shapes}, new Class<?>[] {Shape[].class});

    assertThat((Shape[]) read[0]).containsExactly(shapes);
  }

  @Test
  void enumConstantsWithBodiesTravelAsTheirEnum() {
    BodyCodec codec = codecFor(Inventory.class);

    assertThat(valueRoundTrip(codec, Role.CLERK, Object.class)).isSameAs(Role.CLERK);
    assertThat(valueRoundTrip(codec, Role.CLERK, Role.class)).isSameAs(Role.CLERK);
  }

  @Test
  void jdkValueTypesAndCollectionsAreAlwaysAllowed() {
    BodyCodec codec = new BodyCodec(List.of());
    List<Object> values =
        List.of(
            new BigInteger("123456789012345678901234567890"),
            new BigDecimal("-12.3400"),
            UUID.randomUUID(),
            URI.create("https://example.com/a?b"),
            LocalDate.of(2024, 2, 29),
            LocalTime.NOON,
            LocalDateTime.of(2024, 1, 1, 0, 0),
            Instant.ofEpochSecond(1, 2),
            Duration.ofMillis(1500),
            Period.ofDays(3),
            ZonedDateTime.of(2024, 3, 1, 12, 0, 0, 0, ZoneId.of("Europe/Paris")),
            OffsetDateTime.of(2024, 3, 1, 12, 0, 0, 0, ZoneOffset.ofHours(2)),
            ZoneId.of("America/New_York"),
            ZoneOffset.UTC,
            Optional.of("x"),
            Optional.empty(),
            new ArrayList<>(List.of(1, 2)),
            new LinkedList<>(List.of("a")),
            new HashMap<>(Map.of("k", 1L)),
            new LinkedHashMap<>(Map.of("k", 'c')),
            new TreeMap<>(Map.of("b", 2, "a", 1)),
            new HashSet<>(Set.of(1.5)),
            new LinkedHashSet<>(List.of("z", "a")),
            new TreeSet<>(Set.of(3, 1, 2)),
            Collections.emptyList(),
            Collections.emptySet(),
            Collections.emptyMap(),
            Collections.singletonList("one"),
            Collections.singleton("one"),
            Collections.singletonMap("k", "v"),
            Collections.unmodifiableList(new ArrayList<>(List.of(1, 2))),
            Collections.unmodifiableSet(new LinkedHashSet<>(List.of("x"))),
            Collections.unmodifiableMap(new HashMap<>(Map.of("k", "v"))),
            Arrays.asList("a", "b", null),
            List.of(),
            List.of(1),
            List.of(1, 2, 3),
            List.of(1, 2, 3, 4).subList(1, 3),
            Stream.of("a", null).toList(),
            Set.of(),
            Set.of("s"),
            Set.of(1, 2, 3),
            Map.of(),
            Map.of("k", "v"),
            Map.of("a", 1, "b", 2));

    for (Object value : values) {
      Object read = valueRoundTrip(codec, value, Object.class);
      assertThat(read).as(value.getClass().getName()).isEqualTo(value);
    }
    assertThat(valueRoundTrip(codec, List.of(1, 2), Object.class).getClass())
        .isEqualTo(List.of(1, 2).getClass());
    assertThat((byte[]) valueRoundTrip(codec, new byte[] {1, 2, 3}, Object.class))
        .containsExactly(1, 2, 3);
    assertThat((Object[]) valueRoundTrip(codec, new Object[] {"a", 1, null}, Object.class))
        .containsExactly("a", 1, null);
    assertThat((String[]) valueRoundTrip(codec, new String[] {"a", null}, String[].class))
        .containsExactly("a", null);
    ArrayDeque<Integer> deque = new ArrayDeque<>(List.of(1, 2, 3));
    assertThat(new ArrayList<Object>((Collection<?>) valueRoundTrip(codec, deque, Object.class)))
        .containsExactly(1, 2, 3);
  }

  @Test
  void aFutureReturnTypeAllowsItsElementAndVoidWritesNothing() throws Exception {
    BodyCodec codec = codecFor(Inventory.class);
    User bob = new User(2, "bob", List.of());

    assertThat(valueRoundTrip(codec, List.of(bob), List.class)).isEqualTo(List.of(bob));
    ByteBuf buf = Unpooled.buffer();
    try {
      codec.writeValue(buf, null, void.class, peer);
      assertThat(buf.readableBytes()).isZero();
      assertThat(codec.readValue(buf, void.class)).isNull();
      codec.writeArguments(buf, null, new Class<?>[0], peer);
      assertThat(codec.readArguments(buf, new Class<?>[0])).isEmpty();
      assertThat(buf.readableBytes()).isZero();
    } finally {
      buf.release();
    }
    assertThat(Inventory.class.getMethod("users", Map.class, Set.class).getReturnType())
        .isEqualTo(CompletableFuture.class);
  }

  @Test
  void idsDoNotDependOnTheOrderOrSetOfAllowedInterfaces() {
    BodyCodec consumer = codecFor(Inventory.class, Catalog.class);
    BodyCodec provider = codecFor(Catalog.class);
    provider.allowInterface(Fixtures.Clock.class);
    Product product =
        new Product(
            "hammer",
            Category.TOOLS,
            Map.of("eu", List.of(new Price(new BigDecimal("9.99"), "EUR"))));

    assertThat(roundTrip(consumer, provider, new Object[] {product}, new Class<?>[] {Object.class}))
        .containsExactly(product);
    assertThat(roundTrip(provider, consumer, new Object[] {product}, new Class<?>[] {Object.class}))
        .containsExactly(product);
    assertThat(AllowList.idOf(Product.class))
        .isEqualTo(AllowList.idOf(Product.class))
        .isBetween(AllowList.MIN_ID, AllowList.ID_LIMIT - 1);
  }

  @Test
  void classesAllowedAfterAKryoWasPooledAreKnownToIt() {
    BodyCodec codec = new BodyCodec(List.of());
    Stock stock = new Stock("sku", 3, List.of("north"));
    // Creates and pools a Kryo that knows only the fixed types.
    assertThat(valueRoundTrip(codec, "warm-up", Object.class)).isEqualTo("warm-up");
    ByteBuf buf = Unpooled.buffer();
    try {
      assertThatThrownBy(() -> codec.writeValue(buf, stock, Object.class, peer))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(Stock.class.getName() + " is not allowed");
      assertThat(buf.writerIndex()).as("a failed write appends nothing").isZero();
    } finally {
      buf.release();
    }

    codec.allowInterface(Inventory.class);

    assertThat(valueRoundTrip(codec, stock, Object.class)).isEqualTo(stock);
  }

  @Test
  void interfacesCanBeAllowedWhileOtherThreadsEncodeAndDecode() throws Exception {
    BodyCodec codec = codecFor(Catalog.class);
    Product product = new Product("book", Category.BOOKS, Map.of());
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        work.add(
            threads.submit(
                () -> {
                  for (int i = 0; i < 2_000; i++) {
                    assertThat(valueRoundTrip(codec, product, Object.class)).isEqualTo(product);
                  }
                }));
      }
      codec.allowInterface(Inventory.class);
      codec.allowInterface(Inventory.class);
      for (Future<?> each : work) {
        each.get();
      }
      Stock stock = new Stock("s", 1, List.of());
      for (int t = 0; t < 4; t++) {
        assertThat(threads.submit(() -> valueRoundTrip(codec, stock, Object.class)).get())
            .isEqualTo(stock);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void readingConsumesFromTheReaderIndexAndWritingAppendsWithoutTouchingOwnership() {
    BodyCodec codec = codecFor(Inventory.class);
    ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer();
    try {
      direct.writeBytes(new byte[] {42, 43});
      codec.writeValue(direct, "first", String.class, peer);
      codec.writeValue(direct, 7, int.class, peer);
      direct.skipBytes(2);

      assertThat(codec.readValue(direct, String.class)).isEqualTo("first");
      assertThat(codec.readValue(direct, int.class)).isEqualTo(7);
      assertThat(direct.isReadable()).isFalse();
      assertThat(direct.refCnt()).isEqualTo(1);
    } finally {
      direct.release();
    }

    ByteBuf head = Unpooled.buffer();
    codec.writeValue(head, new Stock("split", 9, List.of("a", "b")), Stock.class, peer);
    CompositeByteBuf composite = Unpooled.compositeBuffer();
    try {
      int half = head.readableBytes() / 2;
      composite.addComponents(
          true, head.readRetainedSlice(half), head.readRetainedSlice(head.readableBytes()));
      assertThat(codec.readValue(composite, Stock.class))
          .isEqualTo(new Stock("split", 9, List.of("a", "b")));
      assertThat(composite.isReadable()).isFalse();
    } finally {
      composite.release();
      head.release();
    }
  }

  @Test
  void bodiesOfAnySizeDecodeFromDirectBuffersAndFromHeapSlicesWithAnOffset() {
    // Direct bodies are read from a copy (kept per Kryo up to a size, else made per body);
    // heap bodies are read in place, from their array at its offset.
    BodyCodec codec = codecFor(Inventory.class);
    for (int size : new int[] {10, 5_000, 200_000}) {
      String value = "v".repeat(size);
      ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer();
      ByteBuf heap = Unpooled.buffer();
      try {
        codec.writeValue(direct, value, String.class, peer);
        assertThat(codec.readValue(direct, String.class)).isEqualTo(value);
        heap.writeBytes(new byte[] {1, 2, 3});
        codec.writeValue(heap, value, String.class, peer);
        ByteBuf slice = heap.slice(3, heap.readableBytes() - 3);
        assertThat(slice.arrayOffset()).isEqualTo(3);
        assertThat(codec.readValue(slice, String.class)).isEqualTo(value);
        assertThat(slice.isReadable()).isFalse();
      } finally {
        direct.release();
        heap.release();
      }
    }
  }

  @Test
  void argumentsThatDoNotMatchTheirParametersAreRefusedBeforeAnythingIsWritten() {
    BodyCodec codec = codecFor(Inventory.class);
    ByteBuf buf = Unpooled.buffer();
    try {
      assertThatThrownBy(
              () -> codec.writeArguments(buf, new Object[] {"x"}, new Class<?>[] {int.class}, peer))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("argument 0");
      assertThatThrownBy(
              () ->
                  codec.writeArguments(buf, new Object[] {1, 2}, new Class<?>[] {int.class}, peer))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("2 arguments for 1 parameters");
      assertThatThrownBy(
              () ->
                  codec.writeArguments(
                      buf,
                      new Object[] {"ok", new Thread()},
                      new Class<?>[] {String.class, Object.class},
                      peer))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("java.lang.Thread is not allowed");
      assertThat(buf.writerIndex()).isZero();
    } finally {
      buf.release();
    }
  }

  @Test
  void aCyclicGraphFailsToEncodeInsteadOfOverflowingTheStack() {
    BodyCodec codec = new BodyCodec(List.of());
    List<Object> cycle = new ArrayList<>();
    cycle.add(cycle);
    ByteBuf buf = Unpooled.buffer();
    try {
      assertThatThrownBy(() -> codec.writeValue(buf, cycle, Object.class, peer))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Max depth");
      assertThat(buf.writerIndex()).isZero();
      assertThat(valueRoundTrip(codec, List.of("after"), Object.class)).isEqualTo(List.of("after"));
    } finally {
      buf.release();
    }
  }

  @Test
  void encodingAndDecodingHundredThousandSmallArgumentArraysWorks() {
    BodyCodec codec = codecFor(Inventory.class);
    Class<?>[] types = {String.class, int.class, Object.class};
    ByteBuf buf = Unpooled.buffer();
    try {
      for (int i = 0; i < 100_000; i++) {
        Object[] args = {"sku-" + i, i, List.of(new Address("s", "c" + (i & 7)))};
        codec.writeArguments(buf, args, types, peer);
        Object[] read = codec.readArguments(buf, types);
        if (!Arrays.equals(read, args)) {
          throw new AssertionError("call " + i + " came back as " + Arrays.toString(read));
        }
        buf.clear();
      }
    } finally {
      buf.release();
    }
  }
}
