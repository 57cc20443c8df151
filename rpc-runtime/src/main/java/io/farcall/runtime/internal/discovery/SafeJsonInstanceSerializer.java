package io.farcall.runtime.internal.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceType;
import org.apache.curator.x.discovery.details.InstanceSerializer;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Writes instances in Curator's standard JSON format and reads them without ever loading a class
 * that the data names.
 *
 * <p>Curator's own {@link JsonInstanceSerializer} reads the payload through Jackson's
 * {@code @JsonTypeInfo(use = CLASS)} on {@code ServiceInstance.getPayload()}: whoever can write
 * under the base path can make every reader instantiate any class on its class path by naming it in
 * {@code "@class"}. Here the JSON is only ever read as a tree; the payload is taken as a map of its
 * string fields, and {@code "@class"} (which Curator's writer always emits) is ignored. See {@code
 * HostileRegistryDataTest}.
 *
 * <p>Data that is not a usable instance (bad JSON, no address, a bad port) is read as a disabled
 * instance with no address, which {@link Registry} skips, instead of failing: Curator's service
 * cache would otherwise throw on it from its watcher callback.
 */
final class SafeJsonInstanceSerializer implements InstanceSerializer<Map<String, String>> {
  private static final Logger LOG = LogManager.getLogger(SafeJsonInstanceSerializer.class);

  /** The payload's type id property that Curator's writer emits; never interpreted here. */
  private static final String TYPE_ID = "@class";

  // A plain mapper: no default typing, and readTree() never binds to a class named in the data.
  private final ObjectMapper mapper = new ObjectMapper();

  // Writing with Curator's own serializer keeps the format exactly what stock clients expect.
  @SuppressWarnings({"rawtypes", "unchecked"})
  private final InstanceSerializer<Map<String, String>> writer =
      (InstanceSerializer) new JsonInstanceSerializer<>(Map.class);

  @Override
  public byte[] serialize(ServiceInstance<Map<String, String>> instance) throws Exception {
    return writer.serialize(instance);
  }

  @Override
  public ServiceInstance<Map<String, String>> deserialize(byte[] bytes) {
    try {
      JsonNode root = mapper.readTree(bytes);
      if (root == null || !root.isObject()) {
        return unusable("not a JSON object");
      }
      String name = text(root, "name");
      String id = text(root, "id");
      String address = text(root, "address");
      JsonNode port = root.get("port");
      if (name == null || id == null || address == null || address.isBlank()) {
        return unusable("no name, id or address");
      }
      if (port == null || !port.canConvertToInt() || port.asInt() < 1 || port.asInt() > 65535) {
        return unusable("no valid port for instance " + id);
      }
      JsonNode enabled = root.get("enabled");
      return new ServiceInstance<>(
          name,
          id,
          address,
          port.asInt(),
          null,
          metadata(root.get("payload")),
          root.path("registrationTimeUTC").asLong(0),
          serviceType(text(root, "serviceType")),
          null,
          enabled == null || !enabled.isBoolean() || enabled.booleanValue());
    } catch (Exception e) {
      return unusable(e.toString());
    }
  }

  /** Whether {@code instance} is one a consumer may call: enabled, with an address and a port. */
  static boolean isUsable(ServiceInstance<?> instance) {
    return instance.isEnabled() && instance.getAddress() != null && instance.getPort() != null;
  }

  private static Map<String, String> metadata(JsonNode payload) {
    if (payload == null || !payload.isObject()) {
      return Map.of();
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : payload.properties()) {
      if (!field.getKey().equals(TYPE_ID) && field.getValue().isTextual()) {
        metadata.put(field.getKey(), field.getValue().textValue());
      }
    }
    return Collections.unmodifiableMap(metadata);
  }

  private static ServiceType serviceType(String name) {
    if (name != null) {
      for (ServiceType type : ServiceType.values()) {
        if (type.name().equals(name)) {
          return type;
        }
      }
    }
    return ServiceType.DYNAMIC;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  private static ServiceInstance<Map<String, String>> unusable(String why) {
    LOG.warn("Ignoring an unreadable service instance in ZooKeeper: {}", why);
    return new ServiceInstance<>(
        "unreadable",
        "unreadable",
        null,
        null,
        null,
        Map.of(),
        0,
        ServiceType.DYNAMIC,
        null,
        false);
  }
}
