package io.farcall.runtime.internal.codec;

import java.io.File;
import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Classes named by configuration ({@code allowtypes}): a binary class name, or a package as {@code
 * acme.model.*}, whose classes (not its subpackages') are listed from the directories and jars the
 * class loader finds it in. Classes are looked up without being initialised.
 */
final class TypeNames {
  private TypeNames() {}

  /** What a class loader made of some names. */
  record Found(List<Class<?>> types, List<String> missing) {}

  static Found resolve(List<String> names, ClassLoader loader) {
    List<Class<?>> types = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String name : names) {
      List<Class<?>> found =
          name.endsWith(".*")
              ? inPackage(name.substring(0, name.length() - 2), loader)
              : named(name, loader);
      if (found.isEmpty()) {
        missing.add(name);
      }
      types.addAll(found);
    }
    return new Found(types, missing);
  }

  private static List<Class<?>> named(String name, ClassLoader loader) {
    try {
      return List.of(Class.forName(name, false, loader));
    } catch (ClassNotFoundException | LinkageError e) {
      return List.of();
    }
  }

  private static List<Class<?>> inPackage(String pkg, ClassLoader loader) {
    String path = pkg.replace('.', '/');
    List<String> classNames = new ArrayList<>();
    try {
      for (URL url : Collections.list(loader.getResources(path))) {
        if (url.getProtocol().equals("file")) {
          String[] files = new File(url.toURI()).list();
          for (String f : files == null ? new String[0] : files) {
            addClassFile(pkg, f, classNames);
          }
        } else {
          URLConnection connection = url.openConnection();
          if (connection instanceof JarURLConnection jar) {
            JarFile file = jar.getJarFile();
            for (JarEntry entry : Collections.list(file.entries())) {
              String entryName = entry.getName();
              if (entryName.startsWith(path + "/")
                  && entryName.indexOf('/', path.length() + 1) < 0) {
                addClassFile(pkg, entryName.substring(path.length() + 1), classNames);
              }
            }
          }
        }
      }
    } catch (IOException | URISyntaxException | IllegalArgumentException e) {
      // a location that cannot be listed contributes nothing
    }
    List<Class<?>> types = new ArrayList<>();
    for (String className : classNames) {
      types.addAll(named(className, loader));
    }
    return types;
  }

  private static void addClassFile(String pkg, String file, List<String> classNames) {
    if (file.endsWith(".class")
        && !file.equals("package-info.class")
        && !file.equals("module-info.class")) {
      classNames.add(pkg + "." + file.substring(0, file.length() - ".class".length()));
    }
  }
}
