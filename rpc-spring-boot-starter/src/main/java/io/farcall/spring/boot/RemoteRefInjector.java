package io.farcall.spring.boot;

import io.farcall.Remote;
import io.farcall.RemoteRef;
import io.farcall.runtime.Farcall;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.BeansException;
import org.springframework.beans.PropertyValues;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.InstantiationAwareBeanPostProcessor;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Fills each {@code @RemoteRef} field of a bean with the stub of its {@code @Remote} type, when the
 * bean's properties are set (as {@code @Autowired} fields are); a field that holds a value already
 * (set by the Farcall agent, say) is left alone; a static one is filled when the first bean of its
 * class is. A {@code @RemoteRef} field of another type stops start-up naming the field. The bean
 * then depends on the {@code Farcall} bean, so that the runtime outlives it: its
 * {@code @PreDestroy} methods can still make calls.
 */
final class RemoteRefInjector implements InstantiationAwareBeanPostProcessor {
  private final ConfigurableListableBeanFactory beanFactory;

  private final ClassValue<List<Field>> fields =
      new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
          List<Field> found = new ArrayList<>();
          ReflectionUtils.doWithFields(
              type, found::add, f -> f.isAnnotationPresent(RemoteRef.class));
          return List.copyOf(found);
        }
      };

  RemoteRefInjector(ConfigurableListableBeanFactory beanFactory) {
    this.beanFactory = beanFactory;
  }

  @Override
  public PropertyValues postProcessProperties(PropertyValues pvs, Object bean, String beanName)
      throws BeansException {
    List<Field> remoteRefs = fields.get(ClassUtils.getUserClass(bean));
    if (remoteRefs.isEmpty()) {
      return pvs;
    }
    Farcall farcall = null;
    for (Field f : remoteRefs) {
      Class<?> type = f.getType();
      if (!type.isInterface() || !type.isAnnotationPresent(Remote.class)) {
        throw new BeanCreationException(
            beanName,
            "@RemoteRef field "
                + f.getDeclaringClass().getName()
                + "."
                + f.getName()
                + " must have an interface annotated @Remote as its type");
      }
      Object target = Modifier.isStatic(f.getModifiers()) ? null : bean;
      ReflectionUtils.makeAccessible(f);
      if (ReflectionUtils.getField(f, target) != null) {
        continue;
      }
      if (farcall == null) {
        farcall = RemoteStubRegistrar.farcallFor(beanFactory, beanName);
      }
      ReflectionUtils.setField(f, target, farcall.stub(type));
    }
    return pvs;
  }
}
