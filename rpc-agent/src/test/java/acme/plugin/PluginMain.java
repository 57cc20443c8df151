package acme.plugin;

import io.farcall.RemoteRef;

/** Runs inside a child class loader; builds its provider by reflection, like a DI container. */
public final class PluginMain {
  @RemoteRef private static Greeting greeting;

  private PluginMain() {}

  public static void run() throws Exception {
    Object impl =
        Class.forName("acme.plugin.GreetingImpl", true, PluginMain.class.getClassLoader())
            .getDeclaredConstructor()
            .newInstance();
    System.out.println("loader=" + PluginMain.class.getClassLoader().getClass().getSimpleName());
    System.out.println(
        "impl-loader=" + impl.getClass().getClassLoader().getClass().getSimpleName());
    System.out.println("greeting=" + greeting.hello("plugin"));
  }
}
