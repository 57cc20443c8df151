package io.farcall.runtime.internal.tracing;

import io.farcall.Metadata;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A call's {@link Metadata} as the carrier of propagated context. Keys are written in lower case,
 * as metadata keys are; entries are put as following, so that a provider that records no span of
 * its own (it has no OpenTelemetry) still passes the caller's context on to the calls it makes; one
 * that does replaces them with its own.
 */
enum OtelCarrier implements TextMapGetter<Metadata>, TextMapSetter<Metadata> {
  INSTANCE;

  @Override
  public void set(Metadata carrier, String key, String value) {
    if (carrier == null || key == null || value == null) {
      return;
    }
    String k = key.toLowerCase(Locale.ROOT);
    if (Metadata.isValidKey(k)) {
      carrier.putFollowing(k, value);
    }
  }

  @Override
  public Iterable<String> keys(Metadata carrier) {
    List<String> keys = new ArrayList<>(carrier.size());
    carrier.forEach((k, v) -> keys.add(k));
    return keys;
  }

  @Override
  public String get(Metadata carrier, String key) {
    return carrier == null || key == null ? null : carrier.get(key.toLowerCase(Locale.ROOT));
  }
}
