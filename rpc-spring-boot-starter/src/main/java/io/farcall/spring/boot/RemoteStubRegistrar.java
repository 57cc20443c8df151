package io.farcall.spring.boot;

import io.farcall.Remote;
import io.farcall.runtime.Farcall;
import java.lang.reflect.Modifier;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Registers a stub bean for each public {@code @Remote} interface in the application's packages
 * (and those {@link RemoteScan} names), so that a stub is injected by type like any bean, by
 * constructor included. The bean is named by the interface's full name and created when first
 * needed. An interface that a bean of the application implements gets no stub bean: that bean
 * serves it here, and injecting its type finds it.
 */
final class RemoteStubRegistrar
    implements BeanDefinitionRegistryPostProcessor, EnvironmentAware, ResourceLoaderAware, Ordered {
  private static final Logger log = LogManager.getLogger(RemoteStubRegistrar.class);

  private Environment environment;
  private ResourceLoader resourceLoader;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void setResourceLoader(ResourceLoader resourceLoader) {
    this.resourceLoader = resourceLoader;
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE; // after component scanning, whose beans it looks at
  }

  @Override
  public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
    if (!(registry instanceof ConfigurableListableBeanFactory beanFactory)) {
      return;
    }
    ClassLoader loader = beanFactory.getBeanClassLoader();
    for (String className : remoteInterfaces(packages(beanFactory))) {
      Class<?> type;
      try {
        type = ClassUtils.forName(className, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        log.warn("@Remote interface {} could not be loaded: {}", className, e.toString());
        continue;
      }
      if (!Modifier.isPublic(type.getModifiers()) || registry.containsBeanDefinition(className)) {
        continue;
      }
      String[] local = beanFactory.getBeanNamesForType(type, true, false);
      if (local.length > 0) {
        log.debug("no stub bean for {}: bean {} implements it", className, local[0]);
        continue;
      }
      registry.registerBeanDefinition(className, stubDefinition(type, className, beanFactory));
    }
  }

  private static <T> RootBeanDefinition stubDefinition(
      Class<T> type, String beanName, ConfigurableListableBeanFactory beanFactory) {
    RootBeanDefinition definition =
        new RootBeanDefinition(type, () -> farcallFor(beanFactory, beanName).stub(type));
    definition.setTargetType(type);
    definition.setLazyInit(true);
    return definition;
  }

  /**
   * The {@code Farcall} bean, recorded as a dependency of bean {@code dependent}, so that the
   * context destroys the runtime only after it.
   */
  static Farcall farcallFor(ConfigurableListableBeanFactory beanFactory, String dependent) {
    String[] names =
        BeanFactoryUtils.beanNamesForTypeIncludingAncestors(beanFactory, Farcall.class);
    if (names.length != 1) {
      throw new IllegalStateException(
          "bean '"
              + dependent
              + "' needs the Farcall runtime, but the context has "
              + (names.length == 0 ? "no Farcall bean" : names.length + " Farcall beans"));
    }
    Farcall farcall = beanFactory.getBean(names[0], Farcall.class);
    beanFactory.registerDependentBean(names[0], dependent);
    return farcall;
  }

  /** The application's packages, and those every {@link RemoteScan} names. */
  private static Set<String> packages(ConfigurableListableBeanFactory beanFactory) {
    Set<String> packages = new LinkedHashSet<>();
    if (AutoConfigurationPackages.has(beanFactory)) {
      packages.addAll(AutoConfigurationPackages.get(beanFactory));
    }
    for (String name : beanFactory.getBeanDefinitionNames()) {
      BeanDefinition definition = beanFactory.getBeanDefinition(name);
      if (!(definition instanceof AnnotatedBeanDefinition annotated)) {
        continue;
      }
      Map<String, Object> scan =
          annotated.getMetadata().getAnnotationAttributes(RemoteScan.class.getName());
      if (scan == null) {
        continue;
      }
      for (String p : (String[]) scan.get("value")) {
        packages.add(p);
      }
      for (Class<?> c : (Class<?>[]) scan.get("basePackageClasses")) {
        packages.add(c.getPackageName());
      }
    }
    return packages;
  }

  private Set<String> remoteInterfaces(Set<String> packages) {
    ClassPathScanningCandidateComponentProvider scanner =
        new ClassPathScanningCandidateComponentProvider(false, environment) {
          @Override
          protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
            return definition.getMetadata().isInterface()
                && definition.getMetadata().isIndependent();
          }
        };
    scanner.setResourceLoader(resourceLoader);
    scanner.addIncludeFilter(new AnnotationTypeFilter(Remote.class, false, false));
    Set<String> found = new LinkedHashSet<>();
    for (String p : packages) {
      for (BeanDefinition candidate : scanner.findCandidateComponents(p)) {
        found.add(candidate.getBeanClassName());
      }
    }
    return found;
  }
}
