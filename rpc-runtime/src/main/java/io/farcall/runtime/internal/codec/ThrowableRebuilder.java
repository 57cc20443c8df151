package io.farcall.runtime.internal.codec;

import io.farcall.RemoteException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Turns {@link ThrowableData} back into exceptions: as their own type when that type is known and
 * safe, else as a {@link RemoteException} naming it. Both carry the remote message, stack, cause
 * chain and suppressed exceptions.
 *
 * <p>A type is known and safe when it is one of the method's declared exception types, or a
 * concrete {@code Throwable} subclass that the caller's class loader can load without initialising
 * it, and it can be constructed: through a {@code (String, Throwable)}, {@code (String)} or {@code
 * ()} constructor, or through one of its own constructors whose parameters can all be fed from the
 * exception's travelling fields (matched by type, in declaration order), the message and the cause
 * (as in {@code InvalidOperation(int whatOp, String why)}), provided the result then has the remote
 * message. Undeclared {@link Error}s are never rebuilt as themselves: a remote {@code
 * OutOfMemoryError} is not a local one, and handlers of {@code Error} may act on the whole JVM.
 *
 * <p>No constructor-less instantiation (Objenesis): a {@code Throwable} made that way has no
 * message, no settable cause and an immutable empty stack trace.
 */
final class ThrowableRebuilder {
  private static final Logger logger = LogManager.getLogger(ThrowableRebuilder.class);

  private static final ClassValue<Constructors> CONSTRUCTORS =
      new ClassValue<>() {
        @Override
        protected Constructors computeValue(Class<?> type) {
          List<Constructor<?>> withCause = new ArrayList<>();
          for (Constructor<?> candidate : type.getDeclaredConstructors()) {
            Class<?>[] parameters = candidate.getParameterTypes();
            if (parameters.length == 2
                && parameters[0] == String.class
                && Throwable.class.isAssignableFrom(parameters[1])
                && candidate.trySetAccessible()) {
              withCause.add(candidate);
            }
          }
          // The widest cause type first: (String, Throwable) before (String, IOException).
          withCause.sort(Comparator.comparingInt(c -> depth(c.getParameterTypes()[1])));
          return new Constructors(
              List.copyOf(withCause), constructor(type, String.class), constructor(type));
        }
      };

  private final Class<?>[] declaredTypes;
  private final ClassLoader loader;
  private final BiFunction<byte[], Class<?>, Map<String, Object>> fieldDecoder;

  /**
   * @param fieldDecoder decodes a {@link ThrowableData#fields()} blob into the values of the fields
   *     the given class has here, each of the field's type; throws {@link BodyDecodingException} if
   *     a value does not fit its field
   */
  ThrowableRebuilder(
      Class<?>[] declaredTypes,
      ClassLoader loader,
      BiFunction<byte[], Class<?>, Map<String, Object>> fieldDecoder) {
    this.declaredTypes = declaredTypes == null ? new Class<?>[0] : declaredTypes;
    this.loader = loader;
    this.fieldDecoder = fieldDecoder;
  }

  Throwable rebuild(ThrowableData data) {
    if (data.type() == null || data.type().isEmpty()) {
      throw new BodyDecodingException("exception data has no type name");
    }
    Throwable cause = data.cause() == null ? null : rebuild(data.cause());
    Class<?> type = resolve(data.type());
    Map<String, Object> fields = Map.of();
    BodyDecodingException unmapped = null;
    if (type != null && data.fields() != null) {
      try {
        fields = fieldDecoder.apply(data.fields(), type);
      } catch (BodyDecodingException e) {
        // Not the exception it was without the fields' values: a RemoteException that says why.
        unmapped =
            new BodyDecodingException("its fields cannot be rebuilt here: " + e.getMessage());
        type = null;
      }
    }
    Throwable rebuilt = type == null ? null : instantiate(type, data.message(), cause, fields);
    if (rebuilt == null) {
      rebuilt = new RemoteException(data.type(), data.message());
      attachCause(rebuilt, cause);
      if (unmapped != null) {
        rebuilt.addSuppressed(unmapped);
      }
    } else {
      setFields(rebuilt, fields);
    }
    ThrowableData.Frame[] frames = data.stack() == null ? new ThrowableData.Frame[0] : data.stack();
    StackTraceElement[] stack = new StackTraceElement[frames.length];
    for (int i = 0; i < frames.length; i++) {
      if (frames[i] == null) {
        throw new BodyDecodingException("exception data has an empty stack frame");
      }
      stack[i] = frames[i].toElement();
    }
    rebuilt.setStackTrace(stack);
    if (data.suppressed() != null) {
      for (ThrowableData suppressed : data.suppressed()) {
        if (suppressed != null) {
          rebuilt.addSuppressed(rebuild(suppressed));
        }
      }
    }
    return rebuilt;
  }

  /** The class to rebuild as, or null for a {@link RemoteException}. Never initialises a class. */
  private Class<?> resolve(String name) {
    for (Class<?> declared : declaredTypes) {
      if (declared.getName().equals(name)) {
        return Throwable.class.isAssignableFrom(declared) ? declared : null;
      }
    }
    Class<?> type;
    try {
      type = Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError | IllegalArgumentException e) {
      return null;
    }
    if (!Throwable.class.isAssignableFrom(type)
        || Error.class.isAssignableFrom(type)
        || Modifier.isAbstract(type.getModifiers())) {
      return null;
    }
    return type;
  }

  private static Throwable instantiate(
      Class<?> type, String message, Throwable cause, Map<String, Object> fields) {
    Constructors constructors = CONSTRUCTORS.get(type);
    try {
      for (Constructor<?> withCause : constructors.messageAndCause()) {
        // e.g. UncheckedIOException(String, IOException): usable when the cause fits.
        if (cause == null || withCause.getParameterTypes()[1].isInstance(cause)) {
          return (Throwable) withCause.newInstance(message, cause);
        }
      }
      Throwable rebuilt;
      if (constructors.message() != null) {
        rebuilt = (Throwable) constructors.message().newInstance(message);
      } else if (constructors.none() != null) {
        // The type is what a caller's catch clause sees; a message it cannot take is lost.
        rebuilt = (Throwable) constructors.none().newInstance();
      } else {
        rebuilt = fromFields(type, message, cause, fields);
        if (rebuilt == null) {
          return null;
        }
      }
      attachCause(rebuilt, cause);
      return rebuilt;
    } catch (InstantiationException
        | IllegalAccessException
        | InvocationTargetException
        | RuntimeException
        | LinkageError e) {
      logger.debug("Cannot rebuild {}; it arrives as RemoteException", type.getName(), e);
      return null;
    }
  }

  /**
   * Tries the type's own constructors (fewest parameters first), feeding each parameter from the
   * next unused travelling field of the same type, else a {@code String} from the message and a
   * {@code Throwable} from the cause. Keeps the first result whose message is the remote one.
   */
  private static Throwable fromFields(
      Class<?> type, String message, Throwable cause, Map<String, Object> fields)
      throws InstantiationException, IllegalAccessException {
    Map<String, Field> declared = ExceptionFields.of(type);
    List<Constructor<?>> candidates = new ArrayList<>(List.of(type.getDeclaredConstructors()));
    candidates.sort(Comparator.comparingInt(Constructor::getParameterCount));
    for (Constructor<?> c : candidates) {
      Object[] args = bind(c.getParameterTypes(), message, cause, declared, fields);
      if (args == null || !c.trySetAccessible()) {
        continue;
      }
      Throwable t;
      try {
        t = (Throwable) c.newInstance(args);
      } catch (InvocationTargetException e) {
        continue; // the constructor rejected what we fed it
      }
      if (java.util.Objects.equals(t.getMessage(), message)) {
        return t;
      }
    }
    return null;
  }

  private static Object[] bind(
      Class<?>[] parameters,
      String message,
      Throwable cause,
      Map<String, Field> declared,
      Map<String, Object> values) {
    Object[] args = new Object[parameters.length];
    java.util.Set<String> used = new java.util.HashSet<>();
    boolean messageUsed = false;
    boolean causeUsed = false;
    next:
    for (int i = 0; i < parameters.length; i++) {
      Class<?> p = parameters[i];
      for (Map.Entry<String, Field> f : declared.entrySet()) {
        if (f.getValue().getType() == p && values.containsKey(f.getKey()) && used.add(f.getKey())) {
          args[i] = values.get(f.getKey());
          if (args[i] == null && p.isPrimitive()) {
            return null;
          }
          continue next;
        }
      }
      if (p == String.class && !messageUsed) {
        args[i] = message;
        messageUsed = true;
      } else if (Throwable.class.isAssignableFrom(p)
          && !causeUsed
          && (cause == null || p.isInstance(cause))) {
        args[i] = cause;
        causeUsed = true;
      } else {
        return null;
      }
    }
    return args;
  }

  private static void attachCause(Throwable rebuilt, Throwable cause) {
    if (cause == null) {
      return;
    }
    try {
      rebuilt.initCause(cause);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // The constructor already chose a cause; keep it.
    }
  }

  private static void setFields(Throwable rebuilt, Map<String, Object> values) {
    Map<String, Field> fields = ExceptionFields.of(rebuilt.getClass());
    values.forEach(
        (name, value) -> {
          Field field = fields.get(name);
          if (field == null) {
            return;
          }
          try {
            field.set(rebuilt, value);
          } catch (IllegalAccessException | IllegalArgumentException e) {
            // A different version of the class on this side; the field keeps its default.
            logger.debug("Cannot set {}.{}", rebuilt.getClass().getName(), name, e);
          }
        });
  }

  private static int depth(Class<?> type) {
    int depth = 0;
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      depth++;
    }
    return depth;
  }

  private static Constructor<?> constructor(Class<?> type, Class<?>... parameters) {
    try {
      Constructor<?> constructor = type.getDeclaredConstructor(parameters);
      return constructor.trySetAccessible() ? constructor : null;
    } catch (NoSuchMethodException | SecurityException e) {
      return null;
    }
  }

  /**
   * @param messageAndCause {@code (String, T extends Throwable)} constructors, widest T first
   */
  private record Constructors(
      List<Constructor<?>> messageAndCause, Constructor<?> message, Constructor<?> none) {}
}
