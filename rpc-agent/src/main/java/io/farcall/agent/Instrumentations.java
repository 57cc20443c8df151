package io.farcall.agent;

import static net.bytebuddy.matcher.ElementMatchers.declaresField;
import static net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.lang.instrument.ClassFileTransformer;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Installs the two hooks. Types are matched by annotation names read from the class file, before
 * the class is defined, so classes that carry neither annotation cost one cheap check and are left
 * untouched.
 *
 * <ul>
 *   <li>{@code @Export} classes: {@link ExportAdvice} on every constructor exports the instance
 *       when the constructor of its own class finishes;
 *   <li>classes declaring {@code @RemoteRef} fields: {@link RemoteRefVisitor} fills each such field
 *       with its stub right after the super constructor call (instance fields) or at the start of
 *       class initialisation (static fields).
 * </ul>
 */
final class Instrumentations {
  static final String EXPORT = "io.farcall.Export";
  static final String REMOTE_REF = "io.farcall.RemoteRef";

  /** The Spring classes hooked so that beans are exported when ready (see {@link SpringHooks}). */
  static final String SPRING_BEAN_FACTORY =
      "org.springframework.beans.factory.support.AbstractAutowireCapableBeanFactory";

  static final String SPRING_CONTEXT =
      "org.springframework.context.support.AbstractApplicationContext";
  static final String SPRING_APPLICATION = "org.springframework.boot.SpringApplication";

  private Instrumentations() {}

  /**
   * The Byte Buddy transformer with both hooks. Built when {@link PrefilterTransformer} meets the
   * first class that mentions a Farcall annotation, so premain loads no Byte Buddy class.
   */
  static ClassFileTransformer transformer() {
    return new AgentBuilder.Default()
        .with(AgentBuilder.TypeStrategy.Default.DECORATE)
        .with(AgentBuilder.RedefinitionStrategy.DISABLED)
        .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
        .with(new ErrorListener())
        .ignore(
            nameStartsWith("java.")
                .or(nameStartsWith("javax."))
                .or(nameStartsWith("jdk."))
                .or(nameStartsWith("sun."))
                .or(nameStartsWith("com.sun."))
                .or(nameStartsWith("io.farcall.shaded."))
                .or(nameStartsWith("io.farcall.runtime."))
                .or(nameStartsWith("io.farcall.agent."))
                .or(isSynthetic()))
        .type(isAnnotatedWith(named(EXPORT)).and(not(isInterface())))
        .transform(
            (builder, type, loader, module, domain) ->
                builder.visit(Advice.to(ExportAdvice.class).on(isConstructor())))
        .type(declaresField(isAnnotatedWith(named(REMOTE_REF))).and(not(isInterface())))
        .transform(
            (builder, type, loader, module, domain) -> builder.visit(new RemoteRefVisitor(type)))
        .type(named(SPRING_BEAN_FACTORY))
        .transform(
            (builder, type, loader, module, domain) ->
                builder
                    .visit(
                        Advice.to(DoCreateBeanAdvice.class)
                            .on(named("doCreateBean").and(takesArguments(3))))
                    .visit(
                        Advice.to(InitializeBeanAdvice.class)
                            .on(
                                named("initializeBean")
                                    .and(takesArguments(3))
                                    .and(takesArgument(0, String.class)))))
        .type(named(SPRING_CONTEXT))
        .transform(
            (builder, type, loader, module, domain) ->
                builder
                    .visit(
                        Advice.to(PublishEventAdvice.class)
                            .on(
                                named("publishEvent")
                                    .and(takesArguments(2))
                                    .and(takesArgument(0, Object.class))))
                    .visit(
                        Advice.to(DoCloseAdvice.class).on(named("doClose").and(takesArguments(0)))))
        .type(named(SPRING_APPLICATION))
        .transform(
            (builder, type, loader, module, domain) ->
                builder
                    .visit(
                        Advice.to(BootRefreshAdvice.class)
                            .on(named("refresh").and(takesArguments(1)).and(not(isStatic()))))
                    .visit(
                        Advice.to(BootRunAdvice.class)
                            .on(
                                named("run")
                                    .and(takesArguments(String[].class))
                                    .and(not(isStatic())))))
        .makeRaw();
  }

  /** Inlined at the end of each constructor of an {@code @Export} class. */
  static final class ExportAdvice {
    private ExportAdvice() {}

    @Advice.OnMethodExit
    static void exit(@Advice.This Object self, @Advice.Origin Class<?> type) {
      // A subclass's constructor runs ours first; export once, when the object is complete.
      if (self.getClass() == type) {
        Hooks.exported(self);
      }
    }
  }

  /** Around each bean creation of a Spring bean factory. */
  static final class DoCreateBeanAdvice {
    private DoCreateBeanAdvice() {}

    @Advice.OnMethodEnter
    static void enter() {
      SpringHooks.creating();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit() {
      SpringHooks.created();
    }
  }

  /** After a Spring bean factory initialised a bean (post-processors, proxies included). */
  static final class InitializeBeanAdvice {
    private InitializeBeanAdvice() {}

    @Advice.OnMethodExit
    static void exit(
        @Advice.This Object factory,
        @Advice.Argument(0) String name,
        @Advice.Argument(1) Object raw,
        @Advice.Return Object initialized) {
      SpringHooks.initialized(factory, name, raw, initialized);
    }
  }

  /** Before a Spring context publishes an event: its refresh, Boot's readiness. */
  static final class PublishEventAdvice {
    private PublishEventAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.This Object context, @Advice.Argument(0) Object event) {
      SpringHooks.publishing(context, event);
    }
  }

  /** Before a Spring context closes: before it destroys any bean. */
  static final class DoCloseAdvice {
    private DoCloseAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.This Object context) {
      SpringHooks.closing(context);
    }
  }

  /** Before Spring Boot refreshes its context. */
  static final class BootRefreshAdvice {
    private BootRefreshAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) Object context) {
      SpringHooks.bootRefreshing(context);
    }
  }

  /** After {@code SpringApplication.run} returned its context, or failed. */
  static final class BootRunAdvice {
    private BootRunAdvice() {}

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit(@Advice.Return Object context) {
      SpringHooks.bootRunEnded(context);
    }
  }

  /** Reports classes that could not be hooked; the class still loads unchanged. */
  private static final class ErrorListener extends AgentBuilder.Listener.Adapter {
    private static final Logger log = LogManager.getLogger(Instrumentations.class);

    @Override
    public void onError(
        String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable error) {
      log.error("Farcall could not instrument {}: {}", typeName, error.toString(), error);
    }

    @Override
    public void onTransformation(
        TypeDescription type,
        ClassLoader loader,
        JavaModule module,
        boolean loaded,
        DynamicType dynamicType) {
      log.debug("instrumented {}", type.getName());
    }
  }
}
