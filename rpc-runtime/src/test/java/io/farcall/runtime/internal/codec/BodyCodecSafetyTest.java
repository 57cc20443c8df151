package io.farcall.runtime.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import io.farcall.runtime.internal.codec.Fixtures.Address;
import io.farcall.runtime.internal.codec.Fixtures.Circle;
import io.farcall.runtime.internal.codec.Fixtures.InvalidOperation;
import io.farcall.runtime.internal.codec.Fixtures.Inventory;
import io.farcall.runtime.internal.codec.Fixtures.Shape;
import io.farcall.runtime.internal.codec.Fixtures.Stock;
import io.farcall.runtime.internal.codec.Fixtures.User;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bodies from a peer that may be hostile or broken. */
@Timeout(value = 2, unit = TimeUnit.MINUTES) // a guard against hangs, not a performance claim
class BodyCodecSafetyTest {
  private static final String GADGET = "io.farcall.runtime.internal.codec.Gadget";
  private static final String GADGET_FLAGS = "io.farcall.runtime.internal.codec.GadgetFlags";

  /**
   * Loads Gadget and its flags itself, so that the consumer side of the test can create a Gadget
   * without initialising the Gadget of the provider side (the test's own class loader).
   */
  private static final class ChildFirstLoader extends ClassLoader {
    private final Set<String> names;

    ChildFirstLoader(Set<String> names) {
      super(BodyCodecSafetyTest.class.getClassLoader());
      this.names = names;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!names.contains(name)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> loaded = findLoadedClass(name);
        if (loaded != null) {
          return loaded;
        }
        try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
          byte[] bytes = in.readAllBytes();
          return defineClass(name, bytes, 0, bytes.length);
        } catch (IOException e) {
          throw new ClassNotFoundException(name, e);
        }
      }
    }
  }

  @Test
  void aClassTheProviderDidNotAllowIsRefusedBeforeItIsLoadedOrInitialised() throws Exception {
    ClassLoader consumerLoader = new ChildFirstLoader(Set.of(GADGET, GADGET_FLAGS));
    Class<?> consumerGadget = Class.forName(GADGET, false, consumerLoader);
    BodyCodec consumer = new BodyCodec(List.of(consumerGadget));
    consumer.allowInterface(Inventory.class);
    BodyCodec provider = new BodyCodec(List.of());
    provider.allowInterface(Inventory.class);
    Object gadget = consumerGadget.getConstructor(String.class).newInstance("rm -rf /");
    ByteBuf body = Unpooled.buffer();
    try {
      consumer.writeArguments(
          body, new Object[] {gadget}, new Class<?>[] {Object.class}, PeerShapes.SAME);

      assertThatThrownBy(() -> provider.readArguments(body, new Class<?>[] {Object.class}))
          .isExactlyInstanceOf(BodyDecodingException.class)
          .hasMessageStartingWith("class id " + AllowList.idOf(consumerGadget) + " is not allowed");
      assertThat(body.readerIndex()).as("a refused body is not consumed").isZero();
    } finally {
      body.release();
    }
    // The flag mechanism works: the consumer's Gadget did run its initialiser and constructor...
    Class<?> consumerFlags = Class.forName(GADGET_FLAGS, true, consumerLoader);
    assertThat(consumerFlags.getField("initialised").getBoolean(null)).isTrue();
    assertThat(consumerFlags.getField("constructed").getBoolean(null)).isTrue();
    // ...and the provider's never did.
    assertThat(GadgetFlags.initialised).isFalse();
    assertThat(GadgetFlags.constructed).isFalse();
  }

  @Test
  void aBodyNamingAClassByNameIsRefusedWithoutLoadingIt() {
    BodyCodec provider = new BodyCodec(List.of());
    Output output = new Output(64, -1);
    output.writeVarInt(1, true); // Kryo's "class by name" marker, then a name id and the name.
    output.writeVarInt(0, true);
    output.writeString(GADGET);
    ByteBuf body = Unpooled.wrappedBuffer(output.toBytes());
    try {
      assertThatThrownBy(() -> provider.readValue(body, Object.class))
          .isExactlyInstanceOf(BodyDecodingException.class)
          .hasMessageContaining("by name is not allowed");
    } finally {
      body.release();
    }
    assertThat(GadgetFlags.initialised).isFalse();
  }

  @Test
  void aValueOfAnotherAllowedClassThanTheParameterIsRefused() {
    BodyCodec codec = new BodyCodec(List.of());
    codec.allowInterface(Inventory.class);
    ByteBuf body = Unpooled.buffer();
    try {
      codec.writeValue(body, new Address("a", "b"), Object.class, PeerShapes.SAME);
      assertThatThrownBy(() -> codec.readValue(body, User.class))
          .isExactlyInstanceOf(BodyDecodingException.class)
          .hasMessage(
              "the value is a " + Address.class.getName() + ", not a " + User.class.getName());
    } finally {
      body.release();
    }
  }

  @Test
  void aFinalParameterTypeTheReaderDidNotAllowIsRefused() {
    BodyCodec consumer = new BodyCodec(List.of());
    consumer.allowInterface(Inventory.class);
    BodyCodec provider = new BodyCodec(List.of());
    ByteBuf body = Unpooled.buffer();
    try {
      consumer.writeValue(body, new Stock("s", 1, List.of()), Stock.class, PeerShapes.SAME);
      assertThatThrownBy(() -> provider.readValue(body, Stock.class))
          .isExactlyInstanceOf(BodyDecodingException.class)
          .hasMessageContaining(Stock.class.getName() + " is not allowed");
    } finally {
      body.release();
    }
  }

  @Test
  void twoAllowedClassesWithOneIdAreAConfigurationErrorNamingBoth() {
    AllowList clashing =
        new AllowList(c -> c == Address.class || c == Stock.class ? 4242 : AllowList.idOf(c));

    assertThatThrownBy(() -> new BodyCodec(List.of(Address.class, Stock.class), clashing))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessageContaining(Address.class.getName())
        .hasMessageContaining(Stock.class.getName())
        .hasMessageContaining("4242");
  }

  @Test
  void aJdkClassKryoCouldOnlySerializeThroughJdkInternalsIsRefusedWhenAllowed() {
    assertThatThrownBy(() -> new BodyCodec(List.of(Thread.class)))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("class java.lang.Thread cannot be allowed");
    BodyCodec codec = new BodyCodec(List.of(java.util.BitSet.class));
    ByteBuf body = Unpooled.buffer();
    try {
      codec.writeValue(
          body, java.util.BitSet.valueOf(new long[] {5}), Object.class, PeerShapes.SAME);
      assertThat(codec.readValue(body, Object.class))
          .isEqualTo(java.util.BitSet.valueOf(new long[] {5}));
    } finally {
      body.release();
    }
  }

  @Test
  void noAlwaysAllowedJdkClassNeedsAccessToJdkInternals() {
    PooledKryo pooled = new PooledKryo();
    AllowList allowList = new AllowList();
    new BodyCodec(List.of(), allowList);
    pooled.catchUp(allowList.entries());
    Kryo kryo = pooled.kryo;
    for (AllowList.Entry entry : allowList.entries()) {
      if (JdkTypes.isJdk(entry.type())) {
        assertThat(kryo.getSerializer(entry.type()))
            .as(entry.type().getName())
            .isNotInstanceOf(FieldSerializer.class);
      }
    }
  }

  // ---- malformed bodies ----

  private static final Class<?>[][] SIGNATURES = {
    {Object.class},
    {String.class, int.class, long[].class},
    {Shape[].class},
    {List.class, Map.class},
    {User.class, Object.class},
    {byte[].class, String.class},
  };

  /** Decodes with every signature, as value and as error; only BodyDecodingException may escape. */
  private static void decodeEverywhere(BodyCodec codec, byte[] bytes) {
    List<Consumer<ByteBuf>> readers = new ArrayList<>();
    for (Class<?>[] signature : SIGNATURES) {
      readers.add(buf -> codec.readArguments(buf, signature));
    }
    readers.add(buf -> codec.readValue(buf, Object.class));
    readers.add(buf -> codec.readError(buf, new Class<?>[] {InvalidOperation.class}, null));
    for (Consumer<ByteBuf> reader : readers) {
      ByteBuf buf = Unpooled.wrappedBuffer(bytes);
      try {
        Throwable thrown = catchThrowable(() -> reader.accept(buf));
        if (thrown != null && !(thrown instanceof BodyDecodingException)) {
          throw new AssertionError("decoding threw " + thrown, thrown);
        }
        if (thrown != null) {
          assertThat(buf.readerIndex()).isZero();
        }
      } finally {
        assertThat(buf.refCnt()).as("the codec neither retains nor releases").isEqualTo(1);
        buf.release();
      }
    }
  }

  @Test
  void randomBytesDecodeOrFailWithBodyDecodingExceptionOnly() {
    BodyCodec codec = new BodyCodec(List.of());
    codec.allowInterface(Inventory.class);
    Random random = new Random(20240501);
    for (int i = 0; i < 5_000; i++) {
      byte[] bytes = new byte[random.nextInt(96)];
      random.nextBytes(bytes);
      decodeEverywhere(codec, bytes);
    }
  }

  @Test
  void corruptedValidBodiesDecodeOrFailWithBodyDecodingExceptionOnly() {
    BodyCodec codec = new BodyCodec(List.of());
    codec.allowInterface(Inventory.class);
    List<byte[]> valid = new ArrayList<>();
    valid.add(encode(b -> codec.writeValue(b, sampleGraph(), Object.class, PeerShapes.SAME)));
    valid.add(encode(b -> codec.writeError(b, sampleError(), PeerShapes.SAME)));
    valid.add(
        encode(
            b ->
                codec.writeArguments(
                    b, new Object[] {"s", 1, new long[] {5}}, SIGNATURES[1], PeerShapes.SAME)));
    Random random = new Random(7);
    for (int i = 0; i < 5_000; i++) {
      byte[] bytes = valid.get(i % valid.size()).clone();
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt();
      }
      decodeEverywhere(codec, bytes);
    }
  }

  @Test
  void everyTruncationOfAValidBodyIsABodyDecodingException() {
    BodyCodec codec = new BodyCodec(List.of());
    codec.allowInterface(Inventory.class);
    byte[] value = encode(b -> codec.writeValue(b, sampleGraph(), Object.class, PeerShapes.SAME));
    byte[] error = encode(b -> codec.writeError(b, sampleError(), PeerShapes.SAME));
    for (int length = 0; length < value.length; length++) {
      ByteBuf buf = Unpooled.wrappedBuffer(value, 0, length);
      try {
        assertThatThrownBy(() -> codec.readValue(buf, Object.class))
            .as("value cut at %d of %d", length, value.length)
            .isExactlyInstanceOf(BodyDecodingException.class);
      } finally {
        buf.release();
      }
    }
    for (int length = 0; length < error.length; length++) {
      ByteBuf buf = Unpooled.wrappedBuffer(error, 0, length);
      try {
        assertThatThrownBy(() -> codec.readError(buf, null, null))
            .as("error cut at %d of %d", length, error.length)
            .isExactlyInstanceOf(BodyDecodingException.class);
      } finally {
        buf.release();
      }
    }
  }

  @Test
  void hugeLengthPrefixesAreRefusedWithoutAllocating() {
    BodyCodec codec = new BodyCodec(List.of());
    // byte[] of 2^31-2 bytes
    assertRefused(codec, byte[].class, o -> o.writeVarInt(Integer.MAX_VALUE, true), "exceeds");
    // a UTF-8 string of 2^30 chars
    assertRefused(codec, String.class, o -> o.writeVarIntFlag(true, 1 << 30, true), "exceeds");
    // Object[] of 2^31-2 elements
    assertRefused(
        codec,
        Object.class,
        o -> {
          o.writeVarInt(AllowList.idOf(Object[].class) + 2, true);
          o.writeVarInt(Integer.MAX_VALUE, true);
        },
        "exceeds");
    // an ArrayList, a HashMap and a List.of claiming 2^31-2 elements, followed by one
    for (Class<?> type : List.of(ArrayList.class, List.of(1, 2, 3).getClass())) {
      assertRefused(
          codec,
          Object.class,
          o -> {
            o.writeVarInt(AllowList.idOf(type) + 2, true);
            o.writeVarIntFlag(false, Integer.MAX_VALUE, true);
            o.writeVarInt(0, true); // a null element
          },
          "exceeds");
    }
    assertRefused(
        codec,
        Object.class,
        o -> {
          o.writeVarInt(AllowList.idOf(java.util.HashMap.class) + 2, true);
          o.writeVarInt(Integer.MAX_VALUE, true);
          o.writeVarInt(0, true); // a null key
          o.writeVarInt(0, true); // a null value
        },
        "exceeds");
  }

  @Test
  void deeplyNestedBodiesAreRefusedInsteadOfOverflowingTheStack() {
    BodyCodec codec = new BodyCodec(List.of());
    assertRefused(
        codec,
        Object.class,
        o -> {
          for (int i = 0; i < 100_000; i++) {
            o.writeVarInt(AllowList.idOf(ArrayList.class) + 2, true);
            o.writeVarIntFlag(false, 2, true); // one element, of any class
          }
        },
        "Max depth");
  }

  private static void assertRefused(
      BodyCodec codec, Class<?> declared, Consumer<Output> body, String messagePart) {
    Output output = new Output(64, -1);
    body.accept(output);
    ByteBuf buf = Unpooled.wrappedBuffer(output.toBytes());
    try {
      assertThatThrownBy(() -> codec.readValue(buf, declared))
          .isExactlyInstanceOf(BodyDecodingException.class)
          .hasMessageContaining(messagePart);
    } finally {
      buf.release();
    }
  }

  private static Object sampleGraph() {
    return List.of(
        new User(7, "carol", List.of(new Address("x", "y"))),
        Map.of("k", new Stock("s", 2, new ArrayList<>(List.of("w")))),
        new Shape[] {new Circle(2)},
        "tail");
  }

  private static Throwable sampleError() {
    Exception root = new IllegalStateException("root");
    Exception error = new InvalidOperation(3, "because", root);
    error.addSuppressed(new RuntimeException("also"));
    return error;
  }

  private static byte[] encode(Consumer<ByteBuf> writer) {
    ByteBuf buf = Unpooled.buffer();
    try {
      writer.accept(buf);
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      return bytes;
    } finally {
      buf.release();
    }
  }
}
