package io.farcall.spring.boot;

import io.farcall.Export;
import io.farcall.runtime.Farcall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.util.ClassUtils;

/**
 * Serves the application's {@code @Export} singleton beans, each as the context hands it out (its
 * proxy, if it has one, so that {@code @Transactional}, {@code @Cacheable} and every aspect apply
 * to remote calls as to local ones), while the application accepts traffic:
 *
 * <ul>
 *   <li>exported when Spring Boot says it accepts traffic ({@link
 *       ReadinessState#ACCEPTING_TRAFFIC}, after the runners), on a thread of its own, so that
 *       registering never holds up start-up;
 *   <li>deregistered when it refuses traffic ({@link ReadinessState#REFUSING_TRAFFIC}), and served
 *       again when it accepts traffic again;
 *   <li>when the context starts to close, before it destroys any bean: deregistered, new calls
 *       refused (callers go to another provider), calls in flight finished (up to the shutdown
 *       grace period).
 * </ul>
 *
 * <p>An {@code @Export} bean that implements no {@code @Remote} interface stops start-up.
 */
final class FarcallExports
    implements SmartApplicationListener,
        SmartInitializingSingleton,
        BeanFactoryAware,
        ApplicationContextAware,
        DisposableBean {
  private static final Logger log = LogManager.getLogger(FarcallExports.class);

  private final ObjectProvider<Farcall> farcall;
  private final ExecutorService worker = worker();
  private ConfigurableListableBeanFactory beanFactory;
  private ApplicationContext context;

  /** The {@code @Export} beans by name, found when the singletons are instantiated. */
  private final List<String> names = new ArrayList<>();

  /** What is served for each bean name now. Touched on the worker thread only. */
  private final Map<String, Object> served = new LinkedHashMap<>();

  // Guarded by this.
  private boolean closed;

  FarcallExports(ObjectProvider<Farcall> farcall) {
    this.farcall = farcall;
  }

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
  }

  @Override
  public void setApplicationContext(ApplicationContext context) {
    this.context = context;
  }

  @Override
  public void afterSingletonsInstantiated() {
    for (String name : beanFactory.getBeanNamesForAnnotation(Export.class)) {
      Class<?> type = beanFactory.getType(name);
      if (type == null) {
        continue;
      }
      if (!beanFactory.isSingleton(name)) {
        log.warn("@Export bean {} is not a singleton; it is not exported", name);
        continue;
      }
      if (Farcall.remoteInterfaces(type).isEmpty()) {
        throw new IllegalStateException(
            "@Export bean '"
                + name
                + "' ("
                + ClassUtils.getUserClass(type).getName()
                + ") implements no interface annotated @Remote");
      }
      names.add(name);
    }
  }

  @Override
  public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
    return AvailabilityChangeEvent.class.isAssignableFrom(eventType)
        || ContextClosedEvent.class.isAssignableFrom(eventType);
  }

  @Override
  public void onApplicationEvent(ApplicationEvent event) {
    if (event.getSource() != context) {
      return; // a child context's event, handed on to its parent
    }
    if (event instanceof ContextClosedEvent) {
      closing();
    } else if (event instanceof AvailabilityChangeEvent<?> change) {
      if (change.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
        submit(this::serveAll);
      } else if (change.getState() == ReadinessState.REFUSING_TRAFFIC) {
        submit(this::withdrawAll);
      }
    }
  }

  /** The context starts to close: withdraw every export, waiting for calls in flight. */
  private void closing() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      // After any export still queued, so that none runs after this.
      worker.submit(this::withdrawAll).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      log.error("Farcall could not withdraw the exports of a closing context", e.getCause());
    }
  }

  private synchronized void submit(Runnable task) {
    if (!closed) {
      worker.execute(task);
    }
  }

  private void serveAll() {
    for (String name : names) {
      if (served.containsKey(name)) {
        continue;
      }
      try {
        Object bean = beanFactory.getBean(name);
        farcall.getObject().export(bean);
        served.put(name, bean);
      } catch (RuntimeException | Error e) {
        log.error("Farcall could not export bean {}: {}", name, e.toString(), e);
      }
    }
  }

  private void withdrawAll() {
    for (Map.Entry<String, Object> e : List.copyOf(served.entrySet())) {
      try {
        farcall.getObject().unexport(e.getValue());
      } catch (RuntimeException | Error ex) {
        log.error("Farcall could not unexport bean {}: {}", e.getKey(), ex.toString(), ex);
      }
      served.remove(e.getKey());
    }
  }

  @Override
  public void destroy() {
    worker.shutdown();
  }

  private static ExecutorService worker() {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, "farcall-spring");
          t.setDaemon(true);
          return t;
        });
  }
}
