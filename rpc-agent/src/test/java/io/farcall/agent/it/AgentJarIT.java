package io.farcall.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.agent.testing.Jvm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The built agent jar is one self-contained jar whose bundled libraries are all relocated: each of
 * its entries is Farcall's, a relocated library's, or one of a few kinds of {@code META-INF/} file.
 */
class AgentJarIT {
  /** Farcall's own classes and resources, and, under {@link #RELOCATED}, the bundled ones. */
  private static final String OWN = "io/farcall/";

  private static final String RELOCATED = OWN + "shaded/";

  /**
   * How a bundled native library must be named for its relocated loader to find it: relocated Netty
   * looks for its libraries under its package prefix, mangled ({@code
   * libio_farcall_shaded_netty_….so}, {@code io_farcall_shaded_netty_….dll}), which is why {@code
   * grpc-netty-shaded} renames its {@code libnetty…} files to {@code libio_grpc_netty_shaded_…}.
   */
  private static final Pattern RELOCATED_NATIVE =
      Pattern.compile("META-INF/native/(lib)?io_farcall_shaded_[^/]+");

  /**
   * The rest of what {@code META-INF/} may hold: the manifest, and licenses and notices
   * (netty-tcnative keeps BoringSSL's and its own under {@code license/}).
   */
  private static final Pattern META_INF_FILES =
      Pattern.compile(
          "META-INF/(MANIFEST\\.MF|([\\w.-]+-)?(LICENSE|NOTICE|DEPENDENCIES)(\\.txt)?"
              + "|licenses?/[^/]+)");

  /** Directories that may stand outside {@link #OWN}. */
  private static final Set<String> DIRECTORIES =
      Set.of(
          "io/",
          "META-INF/",
          "META-INF/services/",
          "META-INF/licenses/",
          "META-INF/license/",
          "META-INF/native/");

  @Test
  void everyEntryIsFarcallsOwnOrRelocatedOrAnAllowedMetaInfFile() throws IOException {
    List<String> unaccounted = new ArrayList<>();
    int classes = 0;
    try (JarFile jar = new JarFile(Jvm.AGENT_JAR.toFile())) {
      for (JarEntry e : Collections.list(jar.entries())) {
        if (e.getName().endsWith(".class")) {
          classes++;
        }
        String problem = problem(jar, e);
        if (problem != null) {
          unaccounted.add(e.getName() + ": " + problem);
        }
      }
    }
    assertThat(classes).as("classes in the agent jar").isGreaterThan(1000);
    assertThat(unaccounted)
        .as(
            "entries neither Farcall's (%s), relocated (%s), nor an allowed META-INF/ file",
            OWN, RELOCATED)
        .isEmpty();
  }

  /** Why {@code e} has no place in the agent jar; null if it has one. */
  private static String problem(JarFile jar, JarEntry e) throws IOException {
    String name = e.getName();
    if (name.startsWith(OWN) || DIRECTORIES.contains(name)) {
      return null;
    }
    if (name.endsWith("/")) {
      return "a directory outside " + OWN;
    }
    if (name.startsWith("META-INF/services/")) {
      return serviceProblem(jar, e);
    }
    if (name.startsWith("META-INF/native/")) {
      return RELOCATED_NATIVE.matcher(name).matches()
          ? null
          : "a native library whose name lacks the relocated prefix";
    }
    if (META_INF_FILES.matcher(name).matches()) {
      return null;
    }
    return name.endsWith(".class") ? "a class outside " + OWN : "a resource outside " + OWN;
  }

  /** A service file must be for a relocated or Farcall interface and name only such classes. */
  private static String serviceProblem(JarFile jar, JarEntry e) throws IOException {
    String service = e.getName().substring("META-INF/services/".length());
    if (!service.startsWith("io.farcall.")) {
      return "a service file for an unrelocated interface";
    }
    List<String> outside = new ArrayList<>();
    try (InputStream in = jar.getInputStream(e)) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String provider = line.replaceFirst("#.*", "").trim();
        if (!provider.isEmpty() && !provider.startsWith("io.farcall.")) {
          outside.add(provider);
        }
      }
    }
    return outside.isEmpty() ? null : "names unrelocated " + outside;
  }

  @Test
  void bundledLibrariesAreRelocatedAndTheAnnotationsAreNot() throws IOException {
    try (JarFile jar = new JarFile(Jvm.AGENT_JAR.toFile())) {
      for (String relocated :
          List.of(
              "io/farcall/shaded/io/netty/channel/Channel.class",
              "io/farcall/shaded/net/bytebuddy/ByteBuddy.class",
              "io/farcall/shaded/com/esotericsoftware/kryo/Kryo.class",
              "io/farcall/shaded/com/google/common/collect/ImmutableList.class",
              "io/farcall/shaded/com/google/protobuf/Message.class",
              "io/farcall/shaded/org/apache/curator/framework/CuratorFramework.class",
              "io/farcall/shaded/org/apache/zookeeper/ZooKeeper.class",
              "io/farcall/shaded/org/apache/logging/log4j/Logger.class")) {
        assertThat(jar.getEntry(relocated)).as(relocated).isNotNull();
      }
      for (String annotation :
          List.of("Remote", "Export", "RemoteRef", "Idempotent", "RpcException")) {
        assertThat(jar.getEntry("io/farcall/" + annotation + ".class")).as(annotation).isNotNull();
      }
      Attributes manifest = jar.getManifest().getMainAttributes();
      assertThat(manifest.getValue("Premain-Class")).isEqualTo("io.farcall.agent.FarcallAgent");
      assertThat(manifest.getValue("Agent-Class")).isEqualTo("io.farcall.agent.FarcallAgent");
      assertThat(manifest.getValue("Main-Class")).isEqualTo("io.farcall.agent.Cli");
    }
  }
}
