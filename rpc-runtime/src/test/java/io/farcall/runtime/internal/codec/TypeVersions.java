package io.farcall.runtime.internal.codec;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * One version of an application's types, compiled from source at test time into a class loader of
 * its own, so that a test can hold two versions of the same class names side by side, as two JVMs
 * of a rolling upgrade do.
 */
final class TypeVersions {
  private final ClassLoader loader;

  private TypeVersions(ClassLoader loader) {
    this.loader = loader;
  }

  /**
   * Compiles the sources (each a compilation unit in package {@code app}, keyed by its simple class
   * name) into a new class loader.
   */
  static TypeVersions compile(Map<String, String> sources) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Map<String, ByteArrayOutputStream> classes = new HashMap<>();
    StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, null, null);
    JavaFileManager inMemory =
        new ForwardingJavaFileManager<>(standard) {
          @Override
          public JavaFileObject getJavaFileForOutput(
              Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
            return new SimpleJavaFileObject(
                URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
              @Override
              public OutputStream openOutputStream() {
                return classes.computeIfAbsent(className, k -> new ByteArrayOutputStream());
              }
            };
          }
        };
    List<JavaFileObject> units = new ArrayList<>();
    sources.forEach(
        (name, code) ->
            units.add(
                new SimpleJavaFileObject(
                    URI.create("string:///app/" + name + ".java"), JavaFileObject.Kind.SOURCE) {
                  @Override
                  public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return "package app;\nimport java.util.*;\n" + code;
                  }
                }));
    boolean ok =
        javac.getTask(null, inMemory, diagnostics, List.of("--release", "17"), null, units).call();
    if (!ok) {
      throw new IllegalArgumentException("does not compile: " + diagnostics.getDiagnostics());
    }
    ClassLoader loader =
        new ClassLoader(TypeVersions.class.getClassLoader()) {
          @Override
          protected Class<?> findClass(String name) throws ClassNotFoundException {
            ByteArrayOutputStream bytes = classes.get(name);
            if (bytes == null) {
              throw new ClassNotFoundException(name);
            }
            byte[] b = bytes.toByteArray();
            return defineClass(name, b, 0, b.length);
          }
        };
    return new TypeVersions(loader);
  }

  Class<?> type(String simpleName) {
    try {
      return Class.forName("app." + simpleName, true, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(e);
    }
  }

  ClassLoader loader() {
    return loader;
  }

  /** A new instance through the no-arg or canonical constructor, with these arguments. */
  Object make(String simpleName, Object... args) {
    Class<?> type = type(simpleName);
    for (var c : type.getDeclaredConstructors()) {
      if (c.getParameterCount() == args.length) {
        try {
          c.setAccessible(true);
          return c.newInstance(args);
        } catch (ReflectiveOperationException e) {
          throw new IllegalArgumentException(e);
        }
      }
    }
    throw new IllegalArgumentException("no constructor of " + args.length + " for " + type);
  }

  Object constant(String enumName, String constant) {
    for (Object c : type(enumName).getEnumConstants()) {
      if (((Enum<?>) c).name().equals(constant)) {
        return c;
      }
    }
    throw new IllegalArgumentException(constant);
  }

  /** A field's value, read reflectively (records: its component). */
  static Object get(Object object, String field) {
    try {
      var f = object.getClass().getDeclaredField(field);
      f.setAccessible(true);
      return f.get(object);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
