package io.farcall.agent;

import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Farcall in a Spring application, for the agent: an {@code @Export} bean is served through the
 * bean the context exposes (its proxy, if it has one, so that every aspect applies to remote calls
 * as to local ones), from the moment the context is ready, and withdrawn before the context
 * destroys it. Called from advice in Spring's own classes (see {@link Instrumentations}); Spring is
 * reached by reflection only, since the agent cannot link against the application's copy.
 *
 * <ul>
 *   <li>An {@code @Export} object constructed while a bean factory creates a bean (on the same
 *       thread, inside {@code doCreateBean}) is not exported when its constructor ends. If the
 *       factory then initialises it as a bean, it is exported when its context is ready; if not (an
 *       object a bean made for itself), it is exported when that bean creation ends, as outside
 *       Spring.
 *   <li>Ready: for a Spring Boot application, when it accepts traffic ({@code
 *       ReadinessState.ACCEPTING_TRAFFIC}, after the runners); for any other context, when its
 *       refresh is done. Exports run on a thread of their own, so that registration never holds up
 *       start-up. A Boot application that refuses traffic later is deregistered until it accepts it
 *       again.
 *   <li>Closing: when the context starts to close, before it destroys a bean, its exports are
 *       deregistered, new calls are refused (callers go to another provider) and calls in flight
 *       finish (up to the shutdown grace period).
 * </ul>
 */
public final class SpringHooks {
  private static final Logger log = LogManager.getLogger(SpringHooks.class);

  private static final String REFRESHED = "org.springframework.context.event.ContextRefreshedEvent";
  private static final String AVAILABILITY =
      "org.springframework.boot.availability.AvailabilityChangeEvent";
  private static final String READINESS = "org.springframework.boot.availability.ReadinessState";

  /** Per thread: the bean creations in progress, innermost last. */
  private static final ThreadLocal<ArrayDeque<Creation>> CREATING =
      ThreadLocal.withInitial(ArrayDeque::new);

  /** The state of each bean factory that has exported beans, by identity. Guarded by itself. */
  private static final Map<Object, Exports> FACTORIES = new IdentityHashMap<>();

  /** Runs exports and withdrawals in order, off Spring's threads; its thread ends when idle. */
  private static final ExecutorService WORKER = worker();

  private SpringHooks() {}

  /** One {@code doCreateBean} in progress: the {@code @Export} objects constructed within it. */
  private static final class Creation {
    final List<Object> constructed = new ArrayList<>(1);
  }

  /** A bean factory's {@code @Export} beans, and where its context is in its life. */
  private static final class Exports {
    final Object factory;
    final List<Bean> beans = new ArrayList<>();
    boolean ready;
    boolean closed;

    /** Spring Boot runs the context: its availability state says when it is ready. */
    boolean boot;

    /** The context has said whether it accepts traffic. */
    boolean readinessSeen;

    Exports(Object factory) {
      this.factory = factory;
    }
  }

  /** An exported bean: its name, and the object served for it once exported. */
  private static final class Bean {
    final String name;
    final Object initialized;
    Object served;

    Bean(String name, Object initialized) {
      this.name = name;
      this.initialized = initialized;
    }
  }

  // ---- what the advice calls ------------------------------------------------------------------

  /** A bean factory starts creating a bean on this thread. */
  public static void creating() {
    CREATING.get().addLast(new Creation());
  }

  /**
   * That bean creation ended: an {@code @Export} object constructed in it that the factory did not
   * initialise as a bean is exported now, as it would be outside Spring.
   */
  public static void created() {
    ArrayDeque<Creation> stack = CREATING.get();
    Creation c = stack.pollLast();
    if (c == null) {
      return;
    }
    for (Object o : c.constructed) {
      Hooks.exportNow(o);
    }
  }

  /**
   * Whether {@code instance}, an {@code @Export} object whose constructor just ended, is left for
   * its bean factory (it is being constructed inside a bean creation on this thread).
   */
  static boolean deferred(Object instance) {
    Creation c = CREATING.get().peekLast();
    if (c == null) {
      return false;
    }
    c.constructed.add(instance);
    return true;
  }

  /**
   * {@code factory} initialised bean {@code name}: if {@code raw} is an {@code @Export} object
   * constructed for it, it is exported (as {@code initialized}, or whatever the factory hands out
   * for the name by then) once the context is ready.
   */
  public static void initialized(Object factory, String name, Object raw, Object initialized) {
    try {
      Creation c = CREATING.get().peekLast();
      if (c == null || !removeIdentical(c.constructed, raw)) {
        return;
      }
      Bean bean = new Bean(name, initialized == null ? raw : initialized);
      boolean now;
      synchronized (FACTORIES) {
        Exports e = FACTORIES.computeIfAbsent(factory, Exports::new);
        e.beans.add(bean);
        now = e.ready && !e.closed;
      }
      if (now) { // created after the context was ready: a lazy or prototype bean
        submit(() -> serve(factory, bean));
      }
    } catch (RuntimeException | Error e) {
      log.error("Farcall could not track bean {}: {}", name, e.toString(), e);
    }
  }

  /** Spring Boot is about to refresh {@code context}: it becomes ready when it accepts traffic. */
  public static void bootRefreshing(Object context) {
    try {
      Exports e = exports(context, true);
      if (e != null) {
        synchronized (FACTORIES) {
          e.boot = true;
        }
      }
    } catch (RuntimeException | Error e) {
      log.error("Farcall could not follow a Spring Boot context: {}", e.toString(), e);
    }
  }

  /**
   * {@code SpringApplication.run} returned {@code context} (null if it failed): if the context
   * never said whether it accepts traffic, it is taken as ready now.
   */
  public static void bootRunEnded(Object context) {
    try {
      Exports e = context == null ? null : exports(context, false);
      boolean seen;
      synchronized (FACTORIES) {
        seen = e == null || e.readinessSeen;
      }
      if (!seen) {
        ready(context);
      }
    } catch (RuntimeException | Error e) {
      log.error("Farcall could not follow a Spring Boot context: {}", e.toString(), e);
    }
  }

  /** {@code context} publishes {@code event}. */
  public static void publishing(Object context, Object event) {
    try {
      String type = event.getClass().getName();
      if (type.equals(REFRESHED)) {
        if (source(event) != context) {
          return; // a child context's event, handed on to its parent
        }
        Exports e = exports(context, true);
        boolean boot;
        synchronized (FACTORIES) {
          boot = e != null && e.boot;
        }
        if (!boot) { // else Spring Boot says when it is ready
          ready(context);
        }
      } else if (type.equals(AVAILABILITY) && source(event) == context) {
        Object state = event.getClass().getMethod("getState").invoke(event);
        if (state != null && state.getClass().getName().equals(READINESS)) {
          Exports e = exports(context, true);
          if (e != null) {
            synchronized (FACTORIES) {
              e.readinessSeen = true;
            }
          }
          if (state.toString().equals("ACCEPTING_TRAFFIC")) {
            ready(context);
          } else if (state.toString().equals("REFUSING_TRAFFIC")) {
            refusing(context);
          }
        }
      }
    } catch (ReflectiveOperationException | RuntimeException | Error e) {
      log.error("Farcall could not follow a Spring event: {}", e.toString(), e);
    }
  }

  /**
   * {@code context} starts to close: its exports are withdrawn, and calls in flight end, before it
   * destroys any bean.
   */
  public static void closing(Object context) {
    try {
      Exports e = exports(context, false);
      if (e == null) {
        return;
      }
      List<Bean> beans;
      synchronized (FACTORIES) {
        if (e.closed) {
          return;
        }
        e.closed = true;
        FACTORIES.remove(e.factory);
        beans = List.copyOf(e.beans);
      }
      // After any export still queued, so that none runs after this.
      submit(() -> withdraw(beans)).get();
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    } catch (Exception | Error e) {
      log.error("Farcall could not withdraw the exports of a closing context: {}", e, e);
    }
  }

  // ---- the rest --------------------------------------------------------------------------------

  private static void ready(Object context) {
    Exports e = exports(context, true);
    if (e == null) {
      return;
    }
    List<Bean> beans;
    synchronized (FACTORIES) {
      if (e.ready || e.closed) {
        return;
      }
      e.ready = true;
      beans = List.copyOf(e.beans);
    }
    submit(
        () -> {
          for (Bean b : beans) {
            serve(e.factory, b);
          }
        });
  }

  private static void refusing(Object context) {
    Exports e = exports(context, false);
    if (e == null) {
      return;
    }
    List<Bean> beans;
    synchronized (FACTORIES) {
      if (!e.ready || e.closed) {
        return;
      }
      e.ready = false;
      beans = List.copyOf(e.beans);
    }
    submit(() -> withdraw(beans));
  }

  /** Exports {@code bean} as its factory hands it out (a singleton's proxy included). */
  private static void serve(Object factory, Bean bean) {
    try {
      Object served = exposed(factory, bean);
      synchronized (FACTORIES) {
        bean.served = served;
      }
      AgentRuntime.farcall().export(served);
    } catch (RuntimeException | Error e) {
      log.error("Farcall could not export bean {}: {}", bean.name, e.toString(), e);
    }
  }

  private static void withdraw(List<Bean> beans) {
    for (Bean b : beans) {
      Object served;
      synchronized (FACTORIES) {
        served = b.served;
        b.served = null;
      }
      if (served != null) {
        try {
          AgentRuntime.farcall().unexport(served);
        } catch (RuntimeException | Error e) {
          log.error("Farcall could not unexport bean {}: {}", b.name, e.toString(), e);
        }
      }
    }
  }

  /**
   * What the factory hands out for a singleton bean now (for a bean proxied early, to break a
   * circular reference, that is the proxy, not what its initialisation returned); else the object
   * its initialisation returned.
   */
  private static Object exposed(Object factory, Bean bean) {
    try {
      Method isSingleton = factory.getClass().getMethod("isSingleton", String.class);
      if (Boolean.TRUE.equals(isSingleton.invoke(factory, bean.name))) {
        return factory.getClass().getMethod("getBean", String.class).invoke(factory, bean.name);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.debug("using bean {} as initialised: {}", bean.name, e.toString());
    }
    return bean.initialized;
  }

  /**
   * The exports of {@code context}'s bean factory, created if {@code create}; null if it has none,
   * or has no bean factory (not yet refreshed, or closed).
   */
  private static Exports exports(Object context, boolean create) {
    Object factory;
    try {
      factory = context.getClass().getMethod("getBeanFactory").invoke(context);
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.debug("no bean factory for {}: {}", context, e.toString());
      return null;
    }
    synchronized (FACTORIES) {
      return create ? FACTORIES.computeIfAbsent(factory, Exports::new) : FACTORIES.get(factory);
    }
  }

  private static Object source(Object event) throws ReflectiveOperationException {
    return event.getClass().getMethod("getSource").invoke(event);
  }

  private static boolean removeIdentical(List<Object> list, Object o) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) == o) {
        list.remove(i);
        return true;
      }
    }
    return false;
  }

  private static java.util.concurrent.Future<?> submit(Runnable task) {
    return WORKER.submit(task);
  }

  private static ExecutorService worker() {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            1,
            1,
            5,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "farcall-spring");
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
