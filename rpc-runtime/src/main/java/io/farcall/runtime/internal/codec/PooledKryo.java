package io.farcall.runtime.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import io.netty.buffer.ByteBuf;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * One Kryo with its inputs and outputs, used by one thread at a time (taken from and returned to
 * the codec's pool). It registers what was allowed since it last ran when it is taken.
 */
final class PooledKryo {
  /**
   * Deepest object nesting read or written. Bounds the stack a hostile body can make a reader use
   * (each level is a few frames), and turns a cyclic graph on the writing side into an error.
   */
  static final int MAX_DEPTH = 200;

  final Kryo kryo = new RegisteredOnlyKryo();

  /** Reads bodies: over a heap buffer's array, or over {@link #scratch} holding a copy. */
  final BoundedInput input = new BoundedInput();

  /** Reads an exception's field values, which are encoded apart from the error body. */
  final BoundedInput fieldInput = new BoundedInput();

  /** Writes bodies, flushing into the caller's buffer through {@link #sink}. */
  final Output output = new Output(4096, -1);

  /** Where {@link #output} flushes to: the buffer being written, reused for every body. */
  final ByteBufSink sink = new ByteBufSink();

  /** Writes an exception's field values into a byte array of their own. */
  final Output fieldOutput = new Output(256, -1);

  /** Lets inputs drop the caller's bytes once a call is over. */
  static final byte[] EMPTY = new byte[0];

  /** Bodies up to this size are copied into a kept array; larger ones get one of their own. */
  private static final int MAX_KEPT_SCRATCH = 64 * 1024;

  private byte[] scratch = new byte[1024];

  private int registered;

  /** For the body being written: which entries (by index) its peer has in the same shape. */
  private boolean[] peerSame = new boolean[0];

  /** Which entries (by index) are written with identity; see {@link CyclicTypes}. */
  private boolean[] identity = new boolean[0];

  /** The body's objects written with identity so far, with their ids. */
  private final IdentityHashMap<Object, Integer> written = new IdentityHashMap<>();

  /** The same objects in the order of their ids, to take back those of a member that failed. */
  private final List<Object> writtenInOrder = new ArrayList<>();

  /** Stands for an object inside a member the reader skipped: a reference to it is refused. */
  private static final Object SKIPPED = new Object();

  /** The body's objects read with identity so far, by id. */
  private final List<Object> read = new ArrayList<>();

  /** Whether the next object Kryo creates is one read with identity (see {@link #newObject}). */
  private boolean readingNew;

  /** Where by-name values are written before their length is known, one per nesting level. */
  private final List<Output> byNameOutputs = new ArrayList<>();

  private int byNameDepth;

  /** A by-name scratch output larger than this is not kept for the next body. */
  private static final int MAX_KEPT_BY_NAME = 64 * 1024;

  PooledKryo() {
    kryo.setRegistrationRequired(true);
    kryo.setReferences(false);
    kryo.setMaxDepth(MAX_DEPTH);
    // Allowed classes without a no-arg constructor (records use their canonical one).
    kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
  }

  /** An array of at least {@code length} bytes to copy a body into; overwritten by the next. */
  byte[] scratch(int length) {
    if (length <= scratch.length) {
      return scratch;
    }
    byte[] bigger = new byte[Math.max(length, 2 * scratch.length)];
    if (bigger.length <= MAX_KEPT_SCRATCH) {
      scratch = bigger;
    }
    return bigger;
  }

  /** Registers the entries this Kryo has not seen yet; {@code entries} only ever grows. */
  void catchUp(List<AllowList.Entry> entries) {
    for (int i = registered; i < entries.size(); i++) {
      AllowList.Entry entry = entries.get(i);
      Serializer<?> serializer =
          entry.serializer() == null
              ? kryo.getDefaultSerializer(entry.type())
              : entry.serializer().apply(kryo);
      if (entry.shape() != null) {
        serializer =
            entry.type().isEnum()
                ? new ShapedEnumSerializer(this, entry)
                : new ShapedSerializer(this, entry, serializer);
      }
      kryo.register(entry.type(), serializer, entry.id());
    }
    registered = entries.size();
  }

  /** Takes the allow list's current identity flags; see {@link AllowList#identity()}. */
  void identity(boolean[] flags) {
    identity = flags;
  }

  /** Forgets the objects of the previous body, so that ids start afresh. */
  void startBody() {
    if (!written.isEmpty()) {
      written.clear();
      writtenInOrder.clear();
    }
    if (!read.isEmpty()) {
      read.clear();
    }
    readingNew = false;
  }

  /** Whether objects of entry {@code index} are written with identity. */
  boolean writesWithIdentity(int index) {
    boolean[] flags = identity;
    return index < flags.length && flags[index];
  }

  /** The id of an object already written in this body with identity, or -1 after giving it one. */
  int writtenId(Object object) {
    Integer id = written.putIfAbsent(object, written.size());
    if (id == null) {
      writtenInOrder.add(object);
      return -1;
    }
    return id;
  }

  /** How many objects of this body have ids: the next id. */
  int writtenCount() {
    return writtenInOrder.size();
  }

  /** Takes back the ids given from {@code count} on, whose member was not written after all. */
  void unwrite(int count) {
    while (writtenInOrder.size() > count) {
      written.remove(writtenInOrder.remove(writtenInOrder.size() - 1));
    }
  }

  /** The object read in this body with identity under {@code id}. */
  Object readObject(int id) {
    if (id < 0 || id >= read.size()) {
      throw new BodyDecodingException(
          "a reference to object " + id + " of " + read.size() + " read");
    }
    Object object = read.get(id);
    if (object == SKIPPED) {
      throw new BodyDecodingException(
          "a reference to an object inside a member this side does not have");
    }
    return object;
  }

  /** A member this side does not have was skipped, with the ids of {@code count} objects in it. */
  void skipObjects(int count) {
    for (int i = 0; i < count; i++) {
      read.add(SKIPPED);
    }
  }

  /** The next object created (or given to {@link #newObject}) is read with identity. */
  void expectNew() {
    readingNew = true;
  }

  /**
   * An object was just created while reading; takes the id it was written with if it is the one
   * {@link #expectNew} announced. Serializers call this (through {@link Kryo#reference}) before
   * reading the object's fields, so that a reference back to it from inside finds it.
   */
  void newObject(Object object) {
    if (readingNew) {
      readingNew = false;
      read.add(object);
    }
  }

  /** Sets what the peer of the next body written knows: see {@link PeerShapes#sameAs}. */
  void writingTo(boolean[] same) {
    peerSame = same;
  }

  /** Whether the peer of the body being written has the same shape of entry {@code index}. */
  boolean writesPositionally(int index) {
    boolean[] same = peerSame;
    return index < same.length && same[index];
  }

  /** An empty output for one by-name value; {@link #exitByName} when it has been copied out. */
  Output enterByName() {
    if (byNameDepth == byNameOutputs.size()) {
      byNameOutputs.add(new Output(256, -1));
    }
    Output out = byNameOutputs.get(byNameDepth++);
    out.reset();
    return out;
  }

  void exitByName() {
    byNameDepth--;
    if (byNameOutputs.get(byNameDepth).getBuffer().length > MAX_KEPT_BY_NAME) {
      byNameOutputs.set(byNameDepth, new Output(256, -1));
    }
  }

  /**
   * Checks that Kryo can serialize the classes about to be allowed, so that a class it cannot
   * handle is refused when it is allowed, not on every later call, and works out each one's shape.
   * JDK classes must have a serializer of their own: a field-by-field one would need access to JDK
   * internals.
   *
   * @return the entries with their shapes
   * @throws IllegalArgumentException naming the first class that cannot be serialized
   */
  static List<AllowList.Entry> checkSerializable(List<AllowList.Entry> entries) {
    Kryo probe = new PooledKryo().kryo;
    List<AllowList.Entry> shaped = new ArrayList<>(entries.size());
    for (AllowList.Entry entry : entries) {
      Serializer<?> serializer;
      try {
        serializer =
            entry.serializer() == null
                ? probe.getDefaultSerializer(entry.type())
                : entry.serializer().apply(probe);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "class " + entry.type().getName() + " cannot be allowed: " + e.getMessage(), e);
      }
      if (JdkTypes.isJdk(entry.type()) && serializer instanceof FieldSerializer) {
        throw new IllegalArgumentException(
            "class "
                + entry.type().getName()
                + " cannot be allowed: Kryo has no serializer for it that works without access to"
                + " JDK internals");
      }
      shaped.add(
          new AllowList.Entry(
              entry.type(),
              entry.id(),
              entry.serializer(),
              TypeShape.of(entry.type(), serializer),
              entry.index()));
    }
    return shaped;
  }

  /**
   * Restores a clean state after a failed read or write. Kryo 5.6 leaves pushed generic types
   * behind when a serializer throws, and {@code reset()} does not clear them
   * (EsotericSoftware/kryo#1281); a new generics stack does.
   */
  void recover() {
    // Identity state stays: a member that failed takes its ids back itself (ByNameMembers), and
    // the next body starts afresh (startBody).
    kryo.reset();
    kryo.setOptimizedGenerics(true);
  }

  /** An output stream that appends to a {@link ByteBuf}; retargeted for every body. */
  static final class ByteBufSink extends OutputStream {
    ByteBuf target;

    @Override
    public void write(int b) {
      target.writeByte(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      target.writeBytes(bytes, offset, length);
    }
  }

  /**
   * Says which class is not allowed, instead of Kryo's advice to register it; and hears of every
   * object Kryo's serializers create while reading (see {@link #newObject}).
   */
  private final class RegisteredOnlyKryo extends Kryo {
    RegisteredOnlyKryo() {
      super(new ClassIdResolver(), null);
    }

    @Override
    public void reference(Object object) {
      super.reference(object);
      newObject(object);
    }

    @SuppressWarnings("rawtypes") // Kryo's signature
    @Override
    protected String unregisteredClassMessage(Class type) {
      return "class "
          + type.getName()
          + " is not allowed: it is not reachable from the signatures of an allowed @Remote"
          + " interface, nor configured as an extra allowed type; allow it on both sides with"
          + " allowTypes("
          + type.getSimpleName()
          + ".class) on the builder, or the agent option allowtypes="
          + type.getName();
    }
  }
}
