package io.farcall.agent;

import io.farcall.Remote;
import io.farcall.runtime.Farcall;
import io.farcall.runtime.FarcallSettings;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The agent's only state: the settings read at start-up and the one {@link Farcall} runtime of this
 * JVM, built on first use (the first exported object or stub needed), so that an application that
 * never touches Farcall pays nothing. Instrumented code reaches it through {@link Hooks}.
 */
final class AgentRuntime {
  private static volatile FarcallSettings settings;
  private static volatile Farcall farcall;

  /** Per declaring class: @RemoteRef field name to its checked @Remote type. */
  private static final ClassValue<Map<String, Class<?>>> FIELD_TYPES =
      new ClassValue<>() {
        @Override
        protected Map<String, Class<?>> computeValue(Class<?> owner) {
          return new ConcurrentHashMap<>();
        }
      };

  private AgentRuntime() {}

  /**
   * Takes the settings of the agent's first start in this JVM; returns false, changing nothing, if
   * it had started already (given twice on the command line, or attached again).
   */
  static synchronized boolean configure(FarcallSettings s) {
    if (settings != null) {
      return false;
    }
    settings = s;
    return true;
  }

  static boolean configured() {
    return settings != null;
  }

  /** The runtime, started on first call; closed by a shutdown hook when the JVM exits. */
  static Farcall farcall() {
    Farcall f = farcall;
    if (f != null) {
      return f;
    }
    synchronized (AgentRuntime.class) {
      if (farcall == null) {
        FarcallSettings s = settings;
        if (s == null) {
          throw new IllegalStateException("the Farcall agent was not started");
        }
        initKryoWithoutUnsafe();
        AgentLogging.configureLibraries();
        Farcall started = Farcall.start(s);
        Runtime.getRuntime().addShutdownHook(new Thread(started::close, "farcall-shutdown"));
        // Looked up here, not in a static field: premain loads this class and should not load
        // logging.
        Logger log = LogManager.getLogger(AgentRuntime.class);
        log.info("Farcall started: {}", s);
        farcall = started;
      }
      return farcall;
    }
  }

  /**
   * Our (relocated) copy of Kryo decides once, when its Util class initialises, whether to use
   * sun.misc.Unsafe, which newer JDKs warn about on standard error; Farcall's codec needs none of
   * it. The property is shared with any Kryo of the application, so it is set only for that moment.
   */
  private static void initKryoWithoutUnsafe() {
    String previous = System.getProperty("kryo.unsafe");
    System.setProperty("kryo.unsafe", "false");
    try {
      Class.forName(
          "com.esotericsoftware.kryo.util.Util", true, AgentRuntime.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("the agent jar is incomplete", e);
    } finally {
      if (previous == null) {
        System.clearProperty("kryo.unsafe");
      } else {
        System.setProperty("kryo.unsafe", previous);
      }
    }
  }

  static void export(Object instance) {
    farcall().export(instance);
  }

  /**
   * The stub a {@code @RemoteRef} field holds; fails naming the field if its type is not remote.
   */
  static Object stubFor(Class<?> owner, String fieldName) {
    Class<?> type = FIELD_TYPES.get(owner).computeIfAbsent(fieldName, f -> fieldType(owner, f));
    return farcall().stub(type);
  }

  private static Class<?> fieldType(Class<?> owner, String fieldName) {
    Field f;
    try {
      f = owner.getDeclaredField(fieldName);
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException("no field " + owner.getName() + "." + fieldName, e);
    }
    Class<?> type = f.getType();
    if (!type.isInterface() || !type.isAnnotationPresent(Remote.class)) {
      throw new IllegalStateException(
          "@RemoteRef field "
              + owner.getName()
              + "."
              + fieldName
              + " has type "
              + type.getName()
              + ", which is not an interface annotated @Remote");
    }
    return type;
  }
}
