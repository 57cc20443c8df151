package io.farcall.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherTest {
  @TempDir Path tree;

  @Test
  void findsTheAgentBuiltInTheSameSourceTree() throws IOException {
    Path agent = touch(tree.resolve("rpc-agent/target/rpc-agent.jar"));
    Path demoJar = touch(tree.resolve("demo/target/farcall-demo.jar"));

    assertThat(Launcher.agentJar(new String[0], demoJar)).isEqualTo(agent);
    assertThat(Launcher.agentJar(new String[0], tree.resolve("demo/target/classes")))
        .isEqualTo(agent);
  }

  @Test
  void prefersAnAgentJarNextToTheDemoJar() throws IOException {
    touch(tree.resolve("rpc-agent/target/rpc-agent.jar"));
    Path demoJar = touch(tree.resolve("demo/target/farcall-demo.jar"));
    Path beside = touch(tree.resolve("demo/target/rpc-agent.jar"));

    assertThat(Launcher.agentJar(new String[0], demoJar)).isEqualTo(beside);
  }

  @Test
  void takesTheAgentFromTheCommandLine() throws IOException {
    Path agent = touch(tree.resolve("elsewhere/agent.jar"));
    Path demoJar = tree.resolve("demo.jar");

    assertThat(Launcher.agentJar(new String[] {"--agent", agent.toString()}, demoJar))
        .isEqualTo(agent);
    assertThat(Launcher.agentJar(new String[] {"--agent=" + agent}, demoJar)).isEqualTo(agent);
  }

  @Test
  void saysHowToBuildTheAgentWhenThereIsNone() {
    assertThatThrownBy(() -> Launcher.agentJar(new String[0], tree.resolve("demo/target/x.jar")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rpc-agent.jar")
        .hasMessageContaining("./mvnw -B -q -DskipTests package")
        .hasMessageContaining("--agent PATH");
  }

  @Test
  void refusesUnknownArgumentsAndMissingAgentFiles() {
    assertThatThrownBy(() -> Launcher.agentJar(new String[] {"--fast"}, tree))
        .hasMessageContaining("unknown argument '--fast'");
    assertThatThrownBy(
            () ->
                Launcher.agentJar(
                    new String[] {"--agent", tree.resolve("no.jar").toString()}, tree))
        .hasMessageContaining("no such file");
  }

  private static Path touch(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.write(file, new byte[0]);
  }
}
