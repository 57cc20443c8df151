package io.farcall.runtime.internal.discovery;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.farcall.runtime.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The file format, location and failure handling of the providers saved on disk. */
@Timeout(30)
class DiskCacheTest {
  private static final String ZK = "zk1:2181,zk2:2181";
  private static final Endpoint A = new Endpoint("a-id", "10.0.0.5", 7000, 1_748_772_000_000L);
  private static final Endpoint B = new Endpoint("b-id", "10.0.0.6", 7001, 1_748_772_000_001L);
  private static final Instant SAVED_AT = Instant.parse("2025-06-01T10:00:00.123Z");

  @TempDir Path root;

  @Test
  void savedProvidersAreReadBackWithWhenTheyWereSeen() {
    DiskCache cache = DiskCache.open(ZK, "/farcall", root);

    cache.write("acme.shop.Inventory", List.of(B, A), SAVED_AT);

    DiskCache.Snapshot read =
        DiskCache.open(ZK, "/farcall", root).read("acme.shop.Inventory").get();
    assertThat(read.service()).isEqualTo("acme.shop.Inventory");
    assertThat(read.endpoints()).containsExactly(A, B);
    assertThat(read.savedAt()).isEqualTo(SAVED_AT);
    assertThat(read.file()).isEqualTo(cache.file("acme.shop.Inventory"));
  }

  @Test
  void whatAProviderSaysAboutTlsAndItsWeightIsSavedSoTheCacheNeverDowngradesToPlaintext()
      throws Exception {
    Endpoint required =
        new Endpoint("r-id", "10.0.0.7", 7002, 1L, 30, Endpoint.TlsSupport.REQUIRED);
    Endpoint optional =
        new Endpoint("o-id", "10.0.0.8", 7003, 2L, 10, Endpoint.TlsSupport.OPTIONAL);
    DiskCache cache = DiskCache.open(ZK, "/farcall", root);

    cache.write("svc", List.of(required, optional, A), SAVED_AT);

    assertThat(DiskCache.open(ZK, "/farcall", root).read("svc").get().endpoints())
        .containsExactly(A, optional, required);

    // A file written before providers said anything about TLS: those were plaintext.
    Path file = cache.file("svc");
    ObjectMapper json = new ObjectMapper();
    JsonNode saved = json.readTree(Files.readString(file));
    for (JsonNode p : saved.get("providers")) {
      com.fasterxml.jackson.databind.node.ObjectNode o =
          (com.fasterxml.jackson.databind.node.ObjectNode) p;
      switch (p.get("id").asText()) {
        case "r-id" -> o.remove(List.of("weight", "tls"));
        case "o-id" -> o.put("tls", "something-new");
        default -> {}
      }
    }
    Files.writeString(file, json.writeValueAsString(saved));
    List<Endpoint> read = DiskCache.open(ZK, "/farcall", root).read("svc").get().endpoints();
    assertThat(read)
        .extracting(Endpoint::id, Endpoint::tls)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a-id", Endpoint.TlsSupport.NONE),
            org.assertj.core.groups.Tuple.tuple("o-id", Endpoint.TlsSupport.REQUIRED),
            org.assertj.core.groups.Tuple.tuple("r-id", Endpoint.TlsSupport.NONE));
  }

  @Test
  void theFileIsPlainJsonOfHostPortIdAndRegistrationTimeUnderAPerRegistryDirectory()
      throws Exception {
    DiskCache cache = DiskCache.open(ZK, "/farcall", root);

    cache.write("acme.shop.Inventory", List.of(A), SAVED_AT);

    Path file =
        root.resolve(DiskCache.registryKey(ZK, "/farcall")).resolve("acme.shop.Inventory.json");
    assertThat(cache.file("acme.shop.Inventory")).isEqualTo(file);
    JsonNode json = new ObjectMapper().readTree(Files.readString(file));
    assertThat(json.get("format").asInt()).isEqualTo(1);
    assertThat(json.get("connectString").asText()).isEqualTo(ZK);
    assertThat(json.get("basePath").asText()).isEqualTo("/farcall");
    assertThat(json.get("service").asText()).isEqualTo("acme.shop.Inventory");
    assertThat(json.get("savedAt").asText()).isEqualTo("2025-06-01T10:00:00.123Z");
    JsonNode provider = json.get("providers").get(0);
    assertThat(provider.get("id").asText()).isEqualTo("a-id");
    assertThat(provider.get("host").asText()).isEqualTo("10.0.0.5");
    assertThat(provider.get("port").asInt()).isEqualTo(7000);
    assertThat(provider.get("registeredAt").asLong()).isEqualTo(1_748_772_000_000L);
  }

  @Test
  void aNewListReplacesTheOldOneAndLeavesNoTemporaryFileBehind() throws Exception {
    DiskCache cache = DiskCache.open(ZK, "/farcall", root);

    cache.write("svc", List.of(A, B), SAVED_AT);
    cache.write("svc", List.of(), SAVED_AT.plusSeconds(60));

    assertThat(cache.read("svc").get().endpoints()).isEmpty();
    assertThat(cache.read("svc").get().savedAt()).isEqualTo(SAVED_AT.plusSeconds(60));
    try (Stream<Path> files = Files.list(cache.directory())) {
      assertThat(files).containsExactly(cache.file("svc"));
    }
  }

  @Test
  void eachConnectStringAndBasePathHasItsOwnFiles() {
    DiskCache.open(ZK, "/farcall", root).write("svc", List.of(A), SAVED_AT);

    assertThat(DiskCache.open("zk9:2181", "/farcall", root).read("svc")).isEmpty();
    assertThat(DiskCache.open(ZK, "/elsewhere", root).read("svc")).isEmpty();
    assertThat(DiskCache.open(ZK, "/farcall", root).read("svc")).isPresent();
  }

  @Test
  void readAllReturnsEveryUsableFileSortedByService() throws Exception {
    DiskCache cache = DiskCache.open(ZK, "/farcall", root);
    cache.write("b", List.of(B), SAVED_AT);
    cache.write("a", List.of(A), SAVED_AT);
    Files.writeString(cache.file("broken"), "{", UTF_8);

    try (LogCapture log = LogCapture.of(DiskCache.class)) {
      assertThat(cache.readAll()).extracting(DiskCache.Snapshot::service).containsExactly("a", "b");
      assertThat(log.messages(Level.WARN)).hasSize(1);
    }
  }

  @Test
  void aCorruptFileIsIgnoredWithOneWarningNeverAnException() throws Exception {
    DiskCache cache = DiskCache.open(ZK, "/farcall", root);
    Files.createDirectories(cache.directory());
    Path file = cache.file("svc");

    for (String corrupt :
        List.of(
            "not json at all",
            "[]",
            "{\"format\":1}",
            "{\"format\":2,\"service\":\"svc\"}",
            json("svc", ZK, "[{\"id\":\"x\",\"host\":\"h\",\"port\":70000}]"),
            json("svc", ZK, "[{\"id\":\"x\",\"host\":\"\",\"port\":7000}]"),
            json("svc", ZK, "[{\"host\":\"h\",\"port\":7000}]"),
            json("other", ZK, "[]"),
            json("svc", "zk9:2181", "[]"),
            // Whatever a type id names is never loaded: the file is only ever read as a tree.
            json("svc", ZK, "[{\"@class\":\"java.lang.ProcessBuilder\",\"id\":\"x\"}]"))) {
      Files.writeString(file, corrupt, UTF_8);
      DiskCache fresh = DiskCache.open(ZK, "/farcall", root);
      try (LogCapture log = LogCapture.of(DiskCache.class)) {
        assertThat(fresh.read("svc")).as(corrupt).isEmpty();
        assertThat(fresh.read("svc")).as(corrupt).isEmpty();
        assertThat(log.messages(Level.WARN))
            .as(corrupt)
            .singleElement()
            .asString()
            .startsWith("Ignoring the saved providers in " + file + ": ");
      }
    }
  }

  @Test
  void aFileThatCannotBeWrittenIsReportedOnceAndNothingThrows() throws Exception {
    Path notADirectory = Files.writeString(root.resolve("plain-file"), "x");
    DiskCache cache = DiskCache.open(ZK, "/farcall", notADirectory);

    try (LogCapture log = LogCapture.of(DiskCache.class)) {
      cache.write("a", List.of(A), SAVED_AT);
      cache.write("b", List.of(B), SAVED_AT);

      assertThat(log.messages(Level.WARN)).singleElement().asString().contains("Could not save");
    }
    assertThat(cache.read("a")).isEmpty();
  }

  @Test
  void serviceNamesBecomeFileNamesInsideTheRegistrysDirectory() {
    DiskCache cache = DiskCache.open(ZK, "/farcall", root);

    for (String service : List.of("a b", "..x", "a%2Fb", "ü", "x".repeat(300), "*", "a+b")) {
      Path file = cache.file(service);
      assertThat(file.getParent()).as(service).isEqualTo(cache.directory());
      assertThat(file.getFileName().toString()).as(service).endsWith(".json").hasSizeLessThan(256);
      cache.write(service, List.of(A), SAVED_AT);
      assertThat(cache.read(service)).as(service).isPresent();
    }
    assertThat(cache.file("a b")).isNotEqualTo(cache.file("a+b"));
  }

  @Test
  void theDefaultLocationIsTheUsersCacheDirectory() {
    assertThat(DiskCache.preferredRoot(Map.of("XDG_CACHE_HOME", "/xdg"), "/home/u"))
        .isEqualTo(Path.of("/xdg", "farcall"));
    assertThat(DiskCache.preferredRoot(Map.of(), "/home/u"))
        .isEqualTo(Path.of("/home/u", ".cache", "farcall"));
    // The XDG specification says to ignore a relative path.
    assertThat(DiskCache.preferredRoot(Map.of("XDG_CACHE_HOME", "relative"), "/home/u"))
        .isEqualTo(Path.of("/home/u", ".cache", "farcall"));
    assertThat(DiskCache.preferredRoot(Map.of(), "")).isNull();
  }

  @Test
  void aDirectoryIsUsableIfItOrItsNearestExistingParentIsWritable() throws Exception {
    assertThat(DiskCache.writableOrCreatable(root.resolve("not/yet/there"))).isTrue();
    Path file = Files.writeString(root.resolve("file"), "x");
    assertThat(DiskCache.writableOrCreatable(file.resolve("below"))).isFalse();
  }

  private static String json(String service, String connectString, String providers) {
    return "{\"format\":1,\"connectString\":\""
        + connectString
        + "\",\"basePath\":\"/farcall\",\"service\":\""
        + service
        + "\",\"savedAt\":\"2025-06-01T10:00:00Z\",\"providers\":"
        + providers
        + "}";
  }
}
