package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FarcallSettingsTest {
  @Test
  void defaultsAreZeroConfigLoopbackAndAnyFreePort() {
    FarcallSettings s = Farcall.builder().settings();
    assertThat(s.registry()).isNull();
    assertThat(s.advertisedHost()).isEqualTo("127.0.0.1");
    assertThat(s.listenHost()).isEqualTo("127.0.0.1");
    assertThat(s.port()).isZero();
    assertThat(s.basePath()).isEqualTo("/farcall");
    assertThat(s.maxFrameSize()).isEqualTo(8 * 1024 * 1024);
  }

  @Test
  void optionsByNameAcceptTheDocumentedForms() {
    FarcallSettings s =
        Farcall.builder()
            .option("registry", "127.0.0.1:2181,127.0.0.2:2181")
            .option("port", "7000")
            .option("timeout", "3s")
            .option("basepath", "/shop")
            .option("maxframesize", "1m")
            .option("threads", "8")
            .option("queue", "0")
            .option("sessiontimeout", "10s")
            .option("connecttimeout", "1500ms")
            .settings();
    assertThat(s.registry()).isEqualTo("127.0.0.1:2181,127.0.0.2:2181");
    assertThat(s.port()).isEqualTo(7000);
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(s.basePath()).isEqualTo("/shop");
    assertThat(s.maxFrameSize()).isEqualTo(1024 * 1024);
    assertThat(s.executorThreads()).isEqualTo(8);
    assertThat(s.executorQueue()).isZero();
    assertThat(s.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(Farcall.builder().option("timeout", "500").settings().timeout())
        .isEqualTo(Duration.ofMillis(500));
    assertThat(Farcall.builder().option("timeout", "250ms").settings().timeout())
        .isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void allowtypesTakesClassNamesAndPackages() {
    assertThat(
            Farcall.builder()
                .option("allowtypes", "acme.model.Coupon, acme.model.gifts.*,acme.Outer$Inner")
                .settings()
                .allowedTypeNames())
        .containsExactly("acme.model.Coupon", "acme.model.gifts.*", "acme.Outer$Inner");
    assertThatThrownBy(() -> Farcall.builder().option("allowtypes", "acme.model.Coupon,acme..X"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "option 'allowtypes': 'acme..X' is not a class name (acme.model.Coupon) or a package"
                + " (acme.model.*)");
  }

  @Test
  void theLimitsAreSetByOptionAndBadValuesNameTheOption() {
    FarcallSettings s =
        Farcall.builder()
            .option("maxmetadataentries", "8")
            .option("frametimeout", "2s")
            .option("maxpartialframebytes", "1m")
            .option("maxqueuedbytes", "4m")
            .option("highwatermark", "256k")
            .option("maxqueuedbytestotal", "32m")
            .option("maxdecodingbytes", "2m")
            .option("maxhashcollisions", "16")
            .settings();
    var limits = s.connectionLimits();
    assertThat(limits.maxMetadataEntries()).isEqualTo(8);
    assertThat(limits.frameTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(limits.maxPartialFrameBytes()).isEqualTo(1 << 20);
    assertThat(limits.highWaterMark()).isEqualTo(256 << 10);
    assertThat(limits.lowWaterMark()).isEqualTo(128 << 10);
    assertThat(limits.maxQueuedBytes()).isEqualTo(4 << 20);
    assertThat(limits.maxQueuedBytesTotal()).isEqualTo(32 << 20);
    assertThat(s.maxDecodingBytes()).isEqualTo(2 << 20);
    assertThat(s.maxHashCollisions()).isEqualTo(16);
    // Unset, the decoding budget follows the heap, with room for one frame of the largest size.
    assertThat(Farcall.builder().settings().maxDecodingBytes())
        .isEqualTo(Math.max(8 << 20, Runtime.getRuntime().maxMemory() / 32));
    assertThatThrownBy(() -> Farcall.builder().option("frametimeout", "soon"))
        .hasMessageContaining("option 'frametimeout'");
    assertThatThrownBy(() -> Farcall.builder().option("highwatermark", "100m"))
        .hasMessageContaining("option 'highwatermark'")
        .hasMessageContaining("maxqueuedbytes");
    assertThatThrownBy(() -> Farcall.builder().option("maxhashcollisions", "0"))
        .hasMessageContaining("option 'maxhashcollisions'");
  }

  @Test
  void everyOptionIsInTheReadmesTableOfAgentOptions() throws Exception {
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
    assertThat(FarcallSettings.OPTION_NAMES.keySet())
        .allSatisfy(name -> assertThat(readme).contains("| `" + name + "` |"));
  }

  @Test
  void everyDefaultTheReadmeShowsIsTheSettingsOwn() throws Exception {
    List<String> rows =
        java.nio.file.Files.readAllLines(java.nio.file.Path.of("..", "README.md")).stream()
            .filter(l -> l.startsWith("|"))
            .toList();
    assertThat(FarcallSettings.OPTION_DEFAULTS).isNotEmpty();
    FarcallSettings.OPTION_DEFAULTS.forEach(
        (name, value) -> {
          List<String> cells =
              rows.stream()
                  .map(r -> List.of(r.split("\\|")))
                  .filter(c -> c.stream().anyMatch(x -> x.trim().equals("`" + name + "`")))
                  .map(
                      c ->
                          c.get(
                              c.stream().map(String::trim).toList().indexOf("`" + name + "`") + 1))
                  .toList();
          assertThat(cells).as("README rows of option %s", name).isNotEmpty();
          assertThat(cells)
              .as("the default the README shows for %s", name)
              .allSatisfy(
                  cell ->
                      assertThat(cell.trim().toLowerCase(java.util.Locale.ROOT))
                          .startsWith("`" + value + "`"));
        });
  }

  @Test
  void anUnknownOptionIsRefusedWithTheKnownOnes() {
    assertThatThrownBy(() -> Farcall.builder().option("prot", "7000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown option 'prot'")
        .hasMessageContaining("port");
  }

  @Test
  void aBadValueIsRefusedWithAMessageNamingTheOptionAndWhatItAccepts() {
    assertThatThrownBy(() -> Farcall.builder().option("port", "seventy"))
        .hasMessageContaining("'port'")
        .hasMessageContaining("0-65535");
    assertThatThrownBy(() -> Farcall.builder().option("port", "70000"))
        .hasMessageContaining("'port'");
    assertThatThrownBy(() -> Farcall.builder().option("timeout", "soon"))
        .hasMessageContaining("'timeout'")
        .hasMessageContaining("ms");
    assertThatThrownBy(() -> Farcall.builder().option("basepath", "farcall/"))
        .hasMessageContaining("'basepath'");
    assertThatThrownBy(() -> Farcall.builder().option("sessiontimeout", "forever"))
        .hasMessageContaining("'sessiontimeout'");
    assertThatThrownBy(() -> Farcall.builder().maxFrameSize(10))
        .hasMessageContaining("'maxframesize'");
  }
}
