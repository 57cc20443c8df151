package io.farcall.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.agent.testing.Jvm;
import io.farcall.agent.testing.JvmProcesses;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applications as they really are: with libraries of their own, and with class loaders of their
 * own.
 */
class HostApplicationIT {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();
  @RegisterExtension final JvmProcesses jvms = new JvmProcesses();

  @Test
  void anApplicationWithItsOwnOlderNettyAndGuavaKeepsThemAndFarcallWorks() throws Exception {
    Path[] hostLibs;
    try (Stream<Path> jars = Files.list(Jvm.HOST_LIBS)) {
      hostLibs = jars.toArray(Path[]::new);
    }
    assertThat(hostLibs).hasSize(3);
    Jvm app =
        Jvm.builder("legacy")
            .agentOptions("registry=" + zk.connectString())
            .appClasspath()
            .classpath(hostLibs)
            .main("acme.legacy.LegacyApp")
            .start(jvms);
    assertThat(app.awaitExit(Duration.ofSeconds(60))).as(app.output()).isZero();
    assertThat(app.lines())
        .contains(
            "netty=4.1.118.Final",
            "netty-buffer=legacy",
            "guava-toStringHelper=true",
            "quote=ACME=42");
  }

  @Test
  void classesOfAChildClassLoaderAreExportedAndTheirFieldsFilled(@TempDir Path dir)
      throws Exception {
    Path host = copyPackage("acme/host", dir.resolve("host"));
    Path plugin = copyPackage("acme/plugin", dir.resolve("plugin"));
    Jvm app =
        Jvm.builder("plugin-host")
            .agentOptions("registry=" + zk.connectString())
            .classpath(host, Jvm.ANNOTATIONS_JAR)
            .main("acme.host.PluginHost", plugin.toString())
            .start(jvms);
    assertThat(app.awaitExit(Duration.ofSeconds(60))).as(app.output()).isZero();
    assertThat(app.lines())
        .contains("loader=URLClassLoader", "impl-loader=URLClassLoader", "greeting=hello plugin");
  }

  @Test
  void aRemoteRefFieldWhoseTypeIsNotARemoteInterfaceIsAClearErrorNamingTheField() throws Exception {
    Jvm app =
        Jvm.builder("bad-ref")
            .agentOptions("registry=" + zk.connectString())
            .appClasspath()
            .main("acme.bad.BadRefApp")
            .start(jvms);
    assertThat(app.awaitExit(Duration.ofSeconds(60))).as(app.output()).isZero();
    assertThat(app.lines())
        .contains(
            "error=IllegalStateException: @RemoteRef field acme.bad.Wrong.notRemote has type java.lang.String, which is not an interface annotated @Remote");
  }

  /** Copies one package's compiled classes out of the test classes, to a root of their own. */
  private static Path copyPackage(String packagePath, Path root) throws IOException {
    Path from = Jvm.TEST_CLASSES.resolve(packagePath);
    Path to = root.resolve(packagePath);
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    assertThat(List.of(to.toFile().list())).isNotEmpty();
    return root;
  }
}
