package io.farcall.runtime.internal.discovery;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The providers that a registry's directories last saw in ZooKeeper, kept on local disk so that a
 * consumer started while ZooKeeper is down can still call them. See {@code DiskCacheTest} and
 * {@code OfflineStartTest}.
 *
 * <p>One directory per ZooKeeper connect string and base path, one file per service:
 *
 * <pre>
 * &lt;root&gt;/&lt;first 16 hex digits of SHA-256(connect string + "\n" + base path)&gt;/&lt;service, URL-encoded&gt;.json
 *
 * {"format":1, "connectString":"zk1:2181,zk2:2181", "basePath":"/farcall",
 *  "service":"acme.shop.Inventory", "savedAt":"2025-06-01T10:00:00Z",
 *  "providers":[{"id":"…", "host":"10.0.0.5", "port":7000, "registeredAt":1748772000000,
 *   "weight":10, "tls":"required"}]}
 * </pre>
 *
 * <p>The root is configured ({@link RegistryConfig#cacheDirectory()}) or per user (see {@link
 * #open}). A file is written to a temporary file in the same directory and moved over the old one
 * atomically, so a reader (another JVM of the same user, say) never sees half a file. Files are
 * read only as Jackson trees, never bound to a class the data names, and a file that does not name
 * the same connect string, base path and service is not used.
 *
 * <p>Thread-safe. Nothing here throws for an I/O problem: a file that cannot be read is ignored
 * with one warning per file, and a failure to write is logged once as a warning, then at debug.
 */
final class DiskCache {
  private static final Logger LOG = LogManager.getLogger(DiskCache.class);

  static final int FORMAT = 1;
  private static final String SUFFIX = ".json";
  private static final long MAX_FILE_BYTES = 1 << 20;
  private static final int MAX_FILE_NAME = 200;
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");

  /** What a file held for one service. */
  record Snapshot(String service, List<Endpoint> endpoints, Instant savedAt, Path file) {}

  private final String connectString;
  private final String basePath;
  private final Path directory;
  // A root in a directory that other users can write to (the temporary directory): used only
  // while it is ours and closed to others, so nobody can plant providers for us to call.
  private final boolean sharedRoot;
  private final ObjectMapper mapper = new ObjectMapper();
  private final Set<Path> warnedFiles = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean warnedWrite = new AtomicBoolean();
  private final AtomicBoolean warnedDirectory = new AtomicBoolean();

  private DiskCache(String connectString, String basePath, Path root, boolean sharedRoot) {
    this.connectString = requireNonNull(connectString);
    this.basePath = requireNonNull(basePath);
    this.directory = root.resolve(registryKey(connectString, basePath));
    this.sharedRoot = sharedRoot;
  }

  /**
   * The cache of the registry at {@code connectString} and {@code basePath}, under {@code root}; if
   * {@code root} is null, under {@code $XDG_CACHE_HOME/farcall} or {@code ~/.cache/farcall} when
   * that can be written, else under {@code <java.io.tmpdir>/farcall-<user name>}. Touches no file.
   */
  static DiskCache open(String connectString, String basePath, Path root) {
    if (root != null) {
      return new DiskCache(connectString, basePath, root.toAbsolutePath(), false);
    }
    Path preferred = preferredRoot(System.getenv(), System.getProperty("user.home"));
    if (preferred != null && writableOrCreatable(preferred)) {
      return new DiskCache(connectString, basePath, preferred, false);
    }
    String user = System.getProperty("user.name", "unknown").replaceAll("[^A-Za-z0-9._-]", "_");
    Path fallback = Path.of(System.getProperty("java.io.tmpdir"), "farcall-" + user);
    return new DiskCache(connectString, basePath, fallback.toAbsolutePath(), true);
  }

  /** {@code $XDG_CACHE_HOME/farcall} if that is an absolute path, else {@code ~/.cache/farcall}. */
  static Path preferredRoot(Map<String, String> environment, String userHome) {
    String xdg = environment.get("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "farcall");
    }
    if (userHome == null || userHome.isBlank() || !Path.of(userHome).isAbsolute()) {
      return null;
    }
    return Path.of(userHome, ".cache", "farcall");
  }

  /** Whether {@code dir} is a writable directory, or could be created in one. */
  static boolean writableOrCreatable(Path dir) {
    Path existing = dir.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    return existing != null && Files.isDirectory(existing) && Files.isWritable(existing);
  }

  /** The directory holding this registry's files (which may not exist yet). */
  Path directory() {
    return directory;
  }

  /** The file of {@code service}. */
  Path file(String service) {
    String encoded = URLEncoder.encode(service, UTF_8);
    if (encoded.length() > MAX_FILE_NAME) {
      encoded = sha256Hex(service);
    }
    return directory.resolve(encoded + SUFFIX);
  }

  /**
   * Saves {@code endpoints} as the providers of {@code service} seen at {@code savedAt}, replacing
   * what was saved before. Never throws.
   */
  void write(String service, List<Endpoint> endpoints, Instant savedAt) {
    Path target = file(service);
    Path temporary = null;
    try {
      if (!prepareDirectory()) {
        return;
      }
      byte[] json =
          mapper
              .writerWithDefaultPrettyPrinter()
              .writeValueAsBytes(tree(service, endpoints, savedAt));
      // Created with owner-only permissions where the file system has them.
      temporary = Files.createTempFile(directory, "." + target.getFileName(), ".tmp");
      Files.write(temporary, json);
      try {
        Files.move(
            temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
      temporary = null;
      LOG.debug("Saved {} providers of {} to {}", endpoints.size(), service, target);
    } catch (IOException | RuntimeException e) {
      if (warnedWrite.compareAndSet(false, true)) {
        LOG.warn(
            "Could not save the providers of {} to {}; a start while ZooKeeper is down will not"
                + " find them (further failures are logged at debug): {}",
            service,
            target,
            e.toString());
      } else {
        LOG.debug("Could not save the providers of {} to {}", service, target, e);
      }
    } finally {
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException e) {
          LOG.debug("Could not delete {}", temporary, e);
        }
      }
    }
  }

  /** The providers saved for {@code service}, if a usable file holds them. Never throws. */
  Optional<Snapshot> read(String service) {
    if (!trustedDirectory()) {
      return Optional.empty();
    }
    Path file = file(service);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    return parse(file, service);
  }

  /** Every usable file of this registry, sorted by service. Never throws. */
  List<Snapshot> readAll() {
    if (!trustedDirectory() || !Files.isDirectory(directory)) {
      return List.of();
    }
    List<Snapshot> all = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
      for (Path file : files) {
        parse(file, null).ifPresent(all::add); // temporary files end in .tmp
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not list the saved providers in {}: {}", directory, e.toString());
      return List.of();
    }
    all.sort(Comparator.comparing(Snapshot::service));
    return List.copyOf(all);
  }

  private ObjectNode tree(String service, List<Endpoint> endpoints, Instant savedAt) {
    ObjectNode root = mapper.createObjectNode();
    root.put("format", FORMAT);
    root.put("connectString", connectString);
    root.put("basePath", basePath);
    root.put("service", service);
    root.put("savedAt", savedAt.truncatedTo(ChronoUnit.MILLIS).toString());
    ArrayNode providers = root.putArray("providers");
    for (Endpoint e : endpoints) {
      providers
          .addObject()
          .put("id", e.id())
          .put("host", e.host())
          .put("port", e.port())
          .put("registeredAt", e.registeredAtMillis())
          .put("weight", e.weight())
          .put("tls", e.tls().name().toLowerCase(java.util.Locale.ROOT));
    }
    return root;
  }

  /** Reads {@code file}; {@code expectedService} null means any service whose file name this is. */
  private Optional<Snapshot> parse(Path file, String expectedService) {
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        return unreadable(file, "larger than " + MAX_FILE_BYTES + " bytes");
      }
      JsonNode root = mapper.readTree(Files.readAllBytes(file));
      if (root == null || !root.isObject()) {
        return unreadable(file, "not a JSON object");
      }
      if (root.path("format").asInt(-1) != FORMAT) {
        return unreadable(file, "not format " + FORMAT);
      }
      String service = text(root, "service");
      if (service == null || (expectedService != null && !expectedService.equals(service))) {
        return unreadable(
            file, "not the file of " + (expectedService == null ? "a service" : expectedService));
      }
      if (!file.getFileName().equals(file(service).getFileName())) {
        return unreadable(file, "its name does not match its service " + service);
      }
      if (!connectString.equals(text(root, "connectString"))
          || !basePath.equals(text(root, "basePath"))) {
        return unreadable(file, "saved for another ZooKeeper connect string or base path");
      }
      String savedAt = text(root, "savedAt");
      if (savedAt == null) {
        return unreadable(file, "no savedAt");
      }
      JsonNode providers = root.get("providers");
      if (providers == null || !providers.isArray()) {
        return unreadable(file, "no providers array");
      }
      List<Endpoint> endpoints = new ArrayList<>();
      for (JsonNode p : providers) {
        String id = text(p, "id");
        String host = text(p, "host");
        JsonNode port = p.get("port");
        JsonNode registeredAt = p.get("registeredAt");
        if (id == null
            || host == null
            || host.isBlank()
            || port == null
            || !port.canConvertToInt()) {
          return unreadable(file, "a provider without id, host or port");
        }
        if (registeredAt != null && !registeredAt.canConvertToLong()) {
          return unreadable(file, "a provider with a bad registeredAt");
        }
        JsonNode weight = p.get("weight");
        endpoints.add(
            new Endpoint(
                id,
                host,
                port.asInt(),
                registeredAt == null ? 0 : registeredAt.asLong(),
                weight != null && weight.canConvertToInt()
                    ? Endpoint.weightOf(java.util.Map.of(Endpoint.WEIGHT_KEY, weight.asText()))
                    : Endpoint.DEFAULT_WEIGHT,
                tlsOf(p.get("tls"))));
      }
      endpoints.sort(Comparator.comparing(Endpoint::id));
      return Optional.of(
          new Snapshot(service, List.copyOf(endpoints), Instant.parse(savedAt), file));
    } catch (IOException | DateTimeParseException | IllegalArgumentException e) {
      // IllegalArgumentException: an Endpoint refused its port.
      return unreadable(file, e.toString());
    }
  }

  private Optional<Snapshot> unreadable(Path file, String why) {
    if (warnedFiles.add(file)) {
      LOG.warn("Ignoring the saved providers in {}: {}", file, why);
    } else {
      LOG.debug("Ignoring the saved providers in {}: {}", file, why);
    }
    return Optional.empty();
  }

  /** Creates the directory if need be; false (after a warning) if it is not one to use. */
  private boolean prepareDirectory() throws IOException {
    if (sharedRoot) {
      Path root = directory.getParent();
      try {
        Files.createDirectory(root, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      } catch (FileAlreadyExistsException e) {
        // Ours from an earlier run, or someone else's: trustedDirectory() tells.
      } catch (UnsupportedOperationException e) {
        Files.createDirectories(root);
      }
      if (!trustedDirectory()) {
        return false;
      }
    }
    Files.createDirectories(directory);
    return true;
  }

  /**
   * Whether the files here may be believed: always under a private root; under the shared fallback
   * root only if it is a directory of the current user that no other user may write to.
   */
  private boolean trustedDirectory() {
    if (!sharedRoot) {
      return true;
    }
    Path root = directory.getParent();
    if (!Files.exists(root)) {
      return true; // nothing to read yet; prepareDirectory() creates it private
    }
    String why = null;
    try {
      if (!Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        why = "not a directory";
      } else if (!Files.getOwner(root).getName().equals(System.getProperty("user.name"))) {
        why = "owned by " + Files.getOwner(root).getName();
      } else {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(root);
        if (permissions.contains(PosixFilePermission.GROUP_WRITE)
            || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
          why = "writable by other users";
        }
      }
    } catch (UnsupportedOperationException e) {
      // No owner or POSIX permissions on this file system: nothing more to check.
    } catch (IOException e) {
      why = e.toString();
    }
    if (why == null) {
      return true;
    }
    if (warnedDirectory.compareAndSet(false, true)) {
      LOG.warn("Not using {} to save providers: {}", root, why);
    }
    return false;
  }

  /**
   * What a saved provider says about TLS: a file written before providers said so has none, and
   * those providers were plaintext.
   */
  private static Endpoint.TlsSupport tlsOf(JsonNode tls) {
    if (tls == null || tls.asText().equals("none")) {
      return Endpoint.TlsSupport.NONE;
    }
    return Endpoint.TlsSupport.of(tls.asText());
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  static String registryKey(String connectString, String basePath) {
    return sha256Hex(connectString + "\n" + basePath).substring(0, 16);
  }

  private static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JDK has SHA-256", e);
    }
  }
}
