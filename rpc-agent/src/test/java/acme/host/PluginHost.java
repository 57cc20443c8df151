package acme.host;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * Loads an application from a directory through a child class loader, as an executable fat jar's
 * launcher or a web container does, and runs it.
 */
public final class PluginHost {
  private PluginHost() {}

  public static void main(String[] args) throws Exception {
    URL plugin = Path.of(args[0]).toUri().toURL();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {plugin}, PluginHost.class.getClassLoader())) {
      Method run = loader.loadClass("acme.plugin.PluginMain").getMethod("run");
      run.invoke(null);
    }
  }
}
