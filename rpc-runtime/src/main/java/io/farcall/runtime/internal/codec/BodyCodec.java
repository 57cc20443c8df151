package io.farcall.runtime.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.KryoBufferUnderflowException;
import com.esotericsoftware.kryo.io.Output;
import com.google.common.base.Throwables;
import com.google.common.collect.ImmutableList;
import com.google.common.primitives.Primitives;
import com.google.common.reflect.TypeToken;
import io.netty.buffer.ByteBuf;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Encodes and decodes the Kryo body of a Farcall frame: a request's arguments, a reply's value, or
 * a reply's exception.
 *
 * <p><b>What may travel.</b> Only classes derived from the {@code @Remote} interfaces given to
 * {@link #allowInterface} (parameter, return and declared exception types, their type arguments,
 * and their fields' types, transitively), a fixed set of JDK value types and collections, and the
 * extra types given to the constructor. A body naming any other class is refused with a {@link
 * BodyDecodingException} before anything is instantiated. Class ids are hashes of class names, so
 * two JVMs that allowed different interfaces still agree on every id they share.
 *
 * <p><b>Exceptions</b> travel as data (type name, message, stack, cause chain, suppressed, and the
 * own fields of allowed exception types) and are rebuilt by {@link #readError}.
 *
 * <p><b>Buffers.</b> Writing appends at the buffer's writer index and, if it fails, leaves the
 * writer index where it was. Reading consumes from the reader index exactly the bytes it decoded
 * and, if it fails, leaves the reader index where it was. The caller owns the buffers: they are
 * never retained, retained-counted or released here.
 *
 * <p><b>Threads.</b> Thread-safe; one instance per runtime. Kryo instances are pooled.
 */
public final class BodyCodec {
  private static final Logger logger = LogManager.getLogger(BodyCodec.class);

  /** The records an error body is made of; allowed in every codec. */
  private static final ImmutableList<Class<?>> ERROR_DATA_TYPES =
      ImmutableList.of(
          ThrowableData.class,
          ThrowableData[].class,
          ThrowableData.Frame.class,
          ThrowableData.Frame[].class);

  private final AllowList allowList;
  private final Set<Class<?>> allowedInterfaces = ConcurrentHashMap.newKeySet();

  /** The default of {@link #hashCollisionLimit}. */
  public static final int DEFAULT_HASH_COLLISION_LIMIT = HashFlood.DEFAULT_LIMIT;

  private volatile int hashCollisionLimit = DEFAULT_HASH_COLLISION_LIMIT;
  private final KryoPool pool =
      new KryoPool(Math.max(16, 4 * Runtime.getRuntime().availableProcessors()));

  /**
   * @param extraAllowedTypes types users configured as allowed in addition to those derived from
   *     interfaces; each is walked like a signature type (its fields' types are allowed too). A JDK
   *     class given here is allowed as is, with Kryo's serializer for it.
   * @throws IllegalStateException if two allowed classes hash to the same class id
   * @throws IllegalArgumentException if Kryo cannot serialize one of them (e.g. a JDK class for
   *     which Kryo has no serializer of its own)
   */
  public BodyCodec(Collection<Class<?>> extraAllowedTypes) {
    this(extraAllowedTypes, new AllowList());
  }

  BodyCodec(Collection<Class<?>> extraAllowedTypes, AllowList allowList) {
    this.allowList = allowList;
    Set<Class<?>> always = new LinkedHashSet<>(JdkTypes.ALWAYS_ALLOWED);
    always.addAll(ERROR_DATA_TYPES);
    allowList.add(always, Set.of());
    allowTypes(extraAllowedTypes);
  }

  /**
   * How much the keys of one hash set or map read from a body may collide: on average, a key may
   * share its hash code with at most {@code limit} others (default {@value
   * #DEFAULT_HASH_COLLISION_LIMIT}). More is refused, because putting them in would take quadratic
   * time.
   */
  public void hashCollisionLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException(
          "option 'maxhashcollisions': must be at least 1, got " + limit);
    }
    this.hashCollisionLimit = limit;
  }

  /**
   * Allows the types derived from a {@code @Remote} interface. Idempotent; may be called at any
   * time, also while calls are being encoded and decoded on other threads.
   *
   * @throws IllegalStateException if a derived class hashes to the id of another allowed class;
   *     then nothing from this interface is allowed
   * @throws IllegalArgumentException if it is not an interface, or Kryo cannot serialize a derived
   *     class; then nothing from this interface is allowed
   */
  public void allowInterface(Class<?> remoteInterface) {
    if (allowedInterfaces.contains(remoteInterface)) {
      return;
    }
    SignatureTypes walk = new SignatureTypes().addInterface(remoteInterface);
    allowList.add(walk.kryoTypes(), walk.exceptionTypes());
    allowedInterfaces.add(remoteInterface);
  }

  /**
   * Allows the types {@code names} name (classes, or packages as {@code acme.model.*}) as {@code
   * loader} finds them, as {@link #allowTypes} does; returns the names it found nothing for.
   *
   * @throws IllegalStateException as {@link #allowInterface} does
   * @throws IllegalArgumentException as {@link #allowInterface} does
   */
  public List<String> allowTypesNamed(List<String> names, ClassLoader loader) {
    TypeNames.Found found = TypeNames.resolve(names, loader);
    allowTypes(found.types());
    return found.missing();
  }

  /**
   * Allows extra types, as the constructor's {@code extraAllowedTypes} are. Idempotent; may be
   * called at any time.
   *
   * @throws IllegalStateException as {@link #allowInterface} does
   * @throws IllegalArgumentException as {@link #allowInterface} does
   */
  public void allowTypes(Collection<Class<?>> types) {
    SignatureTypes walk = new SignatureTypes();
    Set<Class<?>> kryoTypes = new LinkedHashSet<>();
    for (Class<?> extra : types) {
      walk.addType(extra);
      if (JdkTypes.isJdk(extra) && isConcreteValue(extra)) {
        kryoTypes.add(extra);
      }
    }
    kryoTypes.addAll(walk.kryoTypes());
    allowList.add(kryoTypes, walk.exceptionTypes());
  }

  /**
   * Appends the arguments of a call.
   *
   * @param args the arguments, or null for a method without parameters
   * @param peer what the receiver told about its types: decides which values travel positionally
   * @throws IllegalArgumentException if the arguments do not match the parameter types, or an
   *     argument holds a class that is not allowed; nothing is appended then
   */
  public void writeArguments(
      ByteBuf out, Object[] args, Class<?>[] parameterTypes, PeerShapes peer) {
    int count = args == null ? 0 : args.length;
    if (count != parameterTypes.length) {
      throw new IllegalArgumentException(
          count + " arguments for " + parameterTypes.length + " parameters");
    }
    encode(
        out,
        peer,
        (kryo, output, values, types) -> {
          for (int i = 0; i < types.length; i++) {
            try {
              writeTyped(kryo, output, values[i], types[i]);
            } catch (RuntimeException e) {
              throw new IllegalArgumentException(
                  "cannot encode argument " + i + ": " + firstLine(String.valueOf(e.getMessage())),
                  e);
            }
          }
        },
        args,
        parameterTypes);
  }

  /**
   * Reads the arguments of a call, one per parameter type.
   *
   * @throws BodyDecodingException if the body is malformed, truncated, names a class that is not
   *     allowed, or holds a value that is not of its parameter's type
   */
  public Object[] readArguments(ByteBuf in, Class<?>[] parameterTypes) {
    return decode(
        in,
        (pooled, types) -> {
          Object[] args = new Object[types.length];
          for (int i = 0; i < args.length; i++) {
            args[i] = readTyped(pooled.kryo, pooled.input, types[i], i);
          }
          return args;
        },
        parameterTypes);
  }

  /**
   * Appends a call's return value. Nothing is written for {@code void} or {@code Void}.
   *
   * @param declaredType the method's return type, a future's element type, or {@code Object.class}
   *     when unknown; the reader must pass the same
   * @param peer what the receiver told about its types: decides which values travel positionally
   * @throws IllegalArgumentException if the value is not of the declared type or holds a class that
   *     is not allowed; nothing is appended then
   */
  public void writeValue(ByteBuf out, Object value, Class<?> declaredType, PeerShapes peer) {
    encode(
        out,
        peer,
        (kryo, output, v, type) -> {
          try {
            writeTyped(kryo, output, v, type);
          } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                "cannot encode the value: " + firstLine(String.valueOf(e.getMessage())), e);
          }
        },
        value,
        declaredType);
  }

  /**
   * Reads a value written by {@link #writeValue} with the same declared type.
   *
   * @throws BodyDecodingException as {@link #readArguments} does
   */
  public Object readValue(ByteBuf in, Class<?> declaredType) {
    return decode(
        in, (pooled, type) -> readTyped(pooled.kryo, pooled.input, type, THE_VALUE), declaredType);
  }

  /**
   * Appends an exception as data. Never fails because of the exception itself: a field value that
   * cannot be encoded is left out, and cycles and very deep cause trees are cut.
   *
   * @param peer what the receiver told about its types: decides which field values travel
   *     positionally
   */
  public void writeError(ByteBuf out, Throwable error, PeerShapes peer) {
    PooledKryo pooled = obtain();
    ThrowableData data;
    try {
      pooled.startBody();
      pooled.writingTo(peer.sameAs(allowList.entries()));
      data = ThrowableData.capture(error, e -> encodeFields(pooled, e));
    } finally {
      pool.free(pooled);
    }
    encode(out, peer, (kryo, output, d, unused) -> kryo.writeObject(output, d), data, null);
  }

  /**
   * The contract of a {@code @Remote} interface as this side has it: its methods, and the shapes of
   * the types and the fields of the exceptions they use, allowed here (see {@link
   * #allowInterface}).
   *
   * @throws IllegalArgumentException if it is not an interface
   */
  public Contract contract(Class<?> remoteInterface) {
    allowInterface(remoteInterface);
    SignatureTypes walk = new SignatureTypes().addInterface(remoteInterface);
    TypeToken<?> self = TypeToken.of(remoteInterface);
    StringBuilder text = new StringBuilder("interface ").append(remoteInterface.getName());
    Set<String> methods = new TreeSet<>();
    for (Method m : remoteInterface.getMethods()) {
      if (m.isDefault() || Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      StringBuilder line = new StringBuilder(m.getName()).append('(');
      Type[] parameters = m.getGenericParameterTypes();
      for (int i = 0; i < parameters.length; i++) {
        line.append(i == 0 ? "" : ", ")
            .append(TypeShape.typeName(self.resolveType(parameters[i]).getType()));
      }
      line.append(") -> ")
          .append(TypeShape.typeName(self.resolveType(m.getGenericReturnType()).getType()));
      Type[] thrown = m.getGenericExceptionTypes();
      for (int i = 0; i < thrown.length; i++) {
        line.append(i == 0 ? " throws " : ", ").append(thrown[i].getTypeName());
      }
      methods.add(line.toString());
    }
    methods.forEach(line -> text.append("\n  ").append(line));
    Map<String, String> blocks = new TreeMap<>();
    for (AllowList.Entry e : allowList.entries()) {
      if (e.shape() != null && walk.kryoTypes().contains(e.type())) {
        blocks.put(e.type().getName(), e.shape().description());
      }
    }
    for (Class<?> exception : walk.exceptionTypes()) {
      StringBuilder block = new StringBuilder("exception ").append(exception.getName());
      ExceptionFields.of(exception)
          .forEach(
              (name, field) ->
                  block
                      .append("\n  ")
                      .append(name)
                      .append(": ")
                      .append(TypeShape.typeName(field.getGenericType())));
      blocks.put(exception.getName(), block.toString());
    }
    blocks.values().forEach(block -> text.append('\n').append(block));
    return Contract.of(text.toString());
  }

  // ---- what a peer is told about this side's types ----

  /**
   * Changes whenever {@link #writeShapes} would write more: a connection tells its peer again when
   * it does.
   */
  public int shapesVersion() {
    return allowList.entries().size();
  }

  /**
   * Appends this side's shape table, which a peer reads with {@link #readShapes} to know which
   * values it may write positionally to this side.
   */
  public void writeShapes(ByteBuf out) {
    PeerShapes.writeTable(out, allowList.entries());
  }

  /**
   * Reads the shape table a peer sent.
   *
   * @throws BodyDecodingException if it is malformed, truncated or implausibly large
   */
  public static PeerShapes readShapes(ByteBuf in) {
    return PeerShapes.readTable(in);
  }

  /**
   * Reads an exception written by {@link #writeError} and rebuilds it: as its own type when that is
   * one of {@code declaredExceptionTypes}, or a concrete non-{@code Error} {@code Throwable} that
   * {@code loader} can load (without initialising it) and that has a {@code (String, Throwable)}
   * (or {@code (String, T)} with the cause a {@code T}), {@code (String)} or {@code ()}
   * constructor; otherwise as an {@link io.farcall.RemoteException} naming the remote type. Either
   * way with the remote message, stack trace, cause chain and suppressed exceptions, and for
   * allowed exception types their fields.
   *
   * @param declaredExceptionTypes the method's declared exception types; null means none
   * @param loader where to look for the exception classes; null means the bootstrap loader, so only
   *     the declared types and JDK exceptions are rebuilt as themselves
   * @throws BodyDecodingException if the error data is malformed or truncated
   */
  public Throwable readError(ByteBuf in, Class<?>[] declaredExceptionTypes, ClassLoader loader) {
    return decode(
        in,
        (pooled, unused) -> {
          ThrowableData data = pooled.kryo.readObject(pooled.input, ThrowableData.class);
          if (data == null) {
            throw new BodyDecodingException("error body holds no exception");
          }
          return new ThrowableRebuilder(
                  declaredExceptionTypes, loader, (blob, type) -> decodeFields(pooled, blob, type))
              .rebuild(data);
        },
        null);
  }

  // ---- encoding and decoding one body ----

  // Writers and readers take what they need as parameters rather than capturing it, so that they
  // are constants and a call allocates no lambda for its body.

  private interface BodyWriter<A, B> {
    void write(Kryo kryo, Output output, A a, B b);
  }

  private interface BodyReader<A, T> {
    T read(PooledKryo pooled, A a);
  }

  private <A, B> void encode(ByteBuf out, PeerShapes peer, BodyWriter<A, B> writer, A a, B b) {
    PooledKryo pooled = obtain();
    int writerIndex = out.writerIndex();
    boolean written = false;
    try {
      pooled.startBody();
      pooled.writingTo(peer.sameAs(allowList.entries()));
      pooled.sink.target = out;
      pooled.output.setOutputStream(pooled.sink);
      writer.write(pooled.kryo, pooled.output, a, b);
      pooled.output.flush();
      written = true;
    } finally {
      pooled.output.setOutputStream(null);
      pooled.sink.target = null;
      if (!written) {
        out.writerIndex(writerIndex);
        pooled.recover();
      }
      pool.free(pooled);
    }
  }

  private <A, T> T decode(ByteBuf in, BodyReader<A, T> reader, A a) {
    PooledKryo pooled = obtain();
    boolean read = false;
    try {
      pooled.startBody();
      int length = in.readableBytes();
      if (in.hasArray()) {
        pooled.input.setBuffer(in.array(), in.arrayOffset() + in.readerIndex(), length);
      } else {
        byte[] copy = pooled.scratch(length);
        in.getBytes(in.readerIndex(), copy, 0, length);
        pooled.input.setBuffer(copy, 0, length);
      }
      int start = pooled.input.position();
      T result = reader.read(pooled, a);
      in.skipBytes(pooled.input.position() - start);
      read = true;
      return result;
    } catch (RuntimeException e) {
      throw decodingFailure(e);
    } finally {
      pooled.input.setBuffer(PooledKryo.EMPTY);
      if (!read) {
        pooled.recover();
      }
      pool.free(pooled);
    }
  }

  private PooledKryo obtain() {
    PooledKryo pooled = pool.obtain();
    pooled.input.hashCollisionLimit(hashCollisionLimit);
    pooled.fieldInput.hashCollisionLimit(hashCollisionLimit);
    pooled.catchUp(allowList.entries());
    pooled.identity(allowList.identity());
    return pooled;
  }

  // ---- one value against its declared type ----

  /**
   * A value whose declared type admits only that exact class goes without a class id; both sides
   * know the declared type. Anything else carries its (allowed) class id.
   *
   * <p>For a declared type of the application's own (a class or an array of one), what is written
   * does not depend on whether the class is final, which two versions may disagree on: a null is a
   * 0, a value of exactly the declared class a 1 and then the value, any other its class id (at
   * least 2) and then the value.
   */
  private static void writeTyped(Kryo kryo, Output output, Object value, Class<?> declaredType) {
    if (declaredType == void.class || declaredType == Void.class) {
      return;
    }
    if (value != null && !Primitives.wrap(declaredType).isInstance(value)) {
      throw new IllegalArgumentException(
          value.getClass().getName() + " is not a " + declaredType.getName());
    }
    if (declaredType.isPrimitive()) {
      if (value == null) {
        throw new IllegalArgumentException("null for primitive " + declaredType.getName());
      }
      kryo.writeObject(output, value);
    } else if (!JdkTypes.isJdk(declaredType)) {
      if (value == null) {
        output.writeByte(Kryo.NULL);
      } else if (value.getClass() == declaredType) {
        output.writeByte(Kryo.NOT_NULL);
        kryo.writeObject(output, value);
      } else {
        kryo.writeClassAndObject(output, value);
      }
    } else if (isExact(declaredType)) {
      kryo.writeObjectOrNull(output, value, declaredType);
    } else {
      kryo.writeClassAndObject(output, value);
    }
  }

  /** What {@link #readTyped} reads when it is not an argument. */
  private static final int THE_VALUE = -1;

  /**
   * @param argument the argument's position, or {@link #THE_VALUE}; named in the error only, so
   *     that a successful read builds no message
   */
  private static Object readTyped(Kryo kryo, Input input, Class<?> declaredType, int argument) {
    if (declaredType == void.class || declaredType == Void.class) {
      return null;
    }
    Object value;
    if (declaredType.isPrimitive()) {
      value = kryo.readObject(input, declaredType);
    } else if (!JdkTypes.isJdk(declaredType)) {
      int start = input.position();
      int code = input.readVarInt(true);
      if (code == Kryo.NULL) {
        value = null;
      } else if (code == Kryo.NOT_NULL) {
        value = kryo.readObject(input, declaredType);
      } else {
        input.setPosition(start);
        value = kryo.readClassAndObject(input);
      }
    } else if (isExact(declaredType)) {
      value = kryo.readObjectOrNull(input, declaredType);
    } else {
      value = kryo.readClassAndObject(input);
    }
    if (value != null && !Primitives.wrap(declaredType).isInstance(value)) {
      String what = argument == THE_VALUE ? "the value" : "argument " + argument;
      throw new BodyDecodingException(
          what + " is a " + value.getClass().getName() + ", not a " + declaredType.getName());
    }
    return value;
  }

  /** Whether every non-null value of the type has exactly its serializer. */
  private static boolean isExact(Class<?> type) {
    if (type.isArray()) {
      Class<?> component = type.getComponentType();
      return component.isPrimitive() || isExact(component);
    }
    return type.isEnum() || Modifier.isFinal(type.getModifiers());
  }

  private static boolean isConcreteValue(Class<?> type) {
    return !type.isPrimitive()
        && !type.isInterface()
        && !Modifier.isAbstract(type.getModifiers())
        && !Throwable.class.isAssignableFrom(type)
        && !Primitives.isWrapperType(type)
        && type != String.class;
  }

  // ---- exception fields ----

  /**
   * Encodes an allowed exception's own fields as {@link ShapedSerializer} writes members by name
   * (name, length, value with its class id), then a null name; null if it has none that travel. A
   * field whose value cannot be encoded is left out.
   */
  private byte[] encodeFields(PooledKryo pooled, Throwable error) {
    if (!allowList.sendsFieldsOf(error.getClass())) {
      return null;
    }
    Output output = pooled.fieldOutput;
    output.reset();
    pooled.startBody();
    for (Map.Entry<String, Field> field : ExceptionFields.of(error.getClass()).entrySet()) {
      try {
        ByNameMembers.write(pooled, output, field.getKey(), field.getValue().get(error));
      } catch (IllegalAccessException | RuntimeException e) {
        pooled.recover();
        logger.debug(
            "Field {} of {} cannot travel and is left out",
            field.getKey(),
            error.getClass().getName(),
            e);
      }
    }
    output.writeString(null);
    return output.toBytes();
  }

  /**
   * Decodes what {@link #encodeFields} wrote, for the fields {@code type} has here, each fitted to
   * its type here: a field this side lacks is skipped unread.
   *
   * @throws BodyDecodingException naming the field whose value does not decode here or does not fit
   *     its type (see {@link ValueConversion})
   */
  private static Map<String, Object> decodeFields(PooledKryo pooled, byte[] blob, Class<?> type) {
    Map<String, Field> declared = ExceptionFields.of(type);
    Map<String, Object> fields = new LinkedHashMap<>();
    BoundedInput input = pooled.fieldInput;
    input.setBuffer(blob);
    pooled.startBody();
    try {
      for (String name = input.readString(); name != null; name = input.readString()) {
        Field field = declared.get(name);
        int end = ByNameMembers.end(pooled, input, field == null);
        if (field == null) {
          continue; // a field this version does not have, skipped
        }
        String where = "field '" + name + "' of " + type.getName();
        fields.put(
            name,
            ByNameMembers.read(
                pooled.kryo, input, end, field.getType(), field.getGenericType(), where));
      }
      return fields;
    } catch (RuntimeException e) {
      pooled.recover();
      throw decodingFailure(e);
    } finally {
      input.setBuffer(PooledKryo.EMPTY);
    }
  }

  // ---- failures ----

  private static BodyDecodingException decodingFailure(RuntimeException e) {
    for (Throwable cause : Throwables.getCausalChain(e)) {
      if (cause instanceof BodyDecodingException refused) {
        return refused;
      }
      // Kryo's Input reports running out as an underflow, or when a read needs more bytes than
      // the whole buffer has, as "Buffer too small".
      if (cause instanceof KryoBufferUnderflowException
          || (cause instanceof KryoException
              && String.valueOf(cause.getMessage()).startsWith("Buffer too small"))) {
        return new BodyDecodingException("body ends early: truncated or malformed", e);
      }
    }
    // Kryo wraps what a constructor threw (a record refusing a value, say) and names only the
    // wrapper: the root cause says why.
    Throwable root = Throwables.getRootCause(e);
    return new BodyDecodingException(
        "body does not decode: "
            + firstLine(String.valueOf(e.getMessage()))
            + (root == e ? "" : " (" + firstLine(root.toString()) + ")"),
        e);
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
