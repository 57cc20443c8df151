package io.farcall.runtime.internal.codec;

import com.google.common.collect.ImmutableMap;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields an exception class declares below the JDK's exception classes (non-static,
 * non-transient), by name, made accessible once per class. A field hidden by a subclass field of
 * the same name is left out.
 *
 * <p>The JDK's own exception fields (message, cause, stack) travel as {@link ThrowableData}, and
 * {@code java.base} would not let them be set reflectively anyway.
 */
final class ExceptionFields {
  private ExceptionFields() {}

  private static final ClassValue<ImmutableMap<String, Field>> FIELDS =
      new ClassValue<>() {
        @Override
        protected ImmutableMap<String, Field> computeValue(Class<?> type) {
          Map<String, Field> fields = new LinkedHashMap<>();
          for (Class<?> c = type; c != null && !JdkTypes.isJdk(c); c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
              int modifiers = field.getModifiers();
              if (Modifier.isStatic(modifiers)
                  || Modifier.isTransient(modifiers)
                  || field.isSynthetic()
                  || fields.containsKey(field.getName())
                  || !field.trySetAccessible()) {
                continue;
              }
              fields.put(field.getName(), field);
            }
          }
          return ImmutableMap.copyOf(fields);
        }
      };

  static ImmutableMap<String, Field> of(Class<?> exceptionType) {
    return FIELDS.get(exceptionType);
  }
}
