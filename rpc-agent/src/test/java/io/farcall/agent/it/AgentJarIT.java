package io.farcall.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.agent.testing.Jvm;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The built agent jar is one self-contained jar whose bundled libraries are all relocated. */
class AgentJarIT {
  @Test
  void everyClassInTheAgentJarIsUnderIoFarcall() throws IOException {
    List<String> outside = new ArrayList<>();
    int classes = 0;
    try (JarFile jar = new JarFile(Jvm.AGENT_JAR.toFile())) {
      for (JarEntry e : Collections.list(jar.entries())) {
        String name = e.getName();
        if (!name.endsWith(".class")) {
          continue;
        }
        classes++;
        String path = name.replaceFirst("^META-INF/versions/\\d+/", "");
        if (!path.startsWith("io/farcall/")) {
          outside.add(name);
        }
      }
    }
    assertThat(classes).as("classes in the agent jar").isGreaterThan(1000);
    assertThat(outside).as("classes outside io/farcall/").isEmpty();
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
