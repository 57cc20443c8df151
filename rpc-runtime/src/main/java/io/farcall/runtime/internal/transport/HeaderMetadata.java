package io.farcall.runtime.internal.transport;

import io.farcall.Metadata;
import io.farcall.runtime.internal.codec.proto.Header;
import java.util.Map;

/**
 * Call {@link Metadata} in the header's {@code metadata} map. Which entries follow nested calls
 * travels as one more entry, {@value #FOLLOW_KEY}, whose value lists their keys separated by commas
 * (keys contain no commas), so that stock {@code protoc --decode} shows it.
 */
final class HeaderMetadata {
  /** The entry that names the following keys. */
  static final String FOLLOW_KEY = Metadata.RESERVED_PREFIX + "follow";

  private HeaderMetadata() {}

  /** How many header entries {@code m} takes: its own, and one more if any of them follows. */
  static int entries(Metadata m) {
    for (int i = 0; i < m.size(); i++) {
      if (m.isFollowingAt(i)) {
        return m.size() + 1;
      }
    }
    return m.size();
  }

  /** Writes {@code m} into {@code header}'s metadata map. */
  static void write(Metadata m, Header.Builder header) {
    StringBuilder follow = null;
    for (int i = 0; i < m.size(); i++) {
      header.putMetadata(m.keyAt(i), m.valueAt(i));
      if (m.isFollowingAt(i)) {
        follow = follow == null ? new StringBuilder() : follow.append(',');
        follow.append(m.keyAt(i));
      }
    }
    if (follow != null) {
      header.putMetadata(FOLLOW_KEY, follow.toString());
    }
  }

  /**
   * The metadata a header carried; null if it carried none. Farcall's own entries other than
   * {@value #FOLLOW_KEY} are left out (a newer peer may send some).
   *
   * @throws IllegalArgumentException if a key is not a valid metadata key
   */
  static Metadata read(Map<String, String> wire) {
    if (wire.isEmpty()) {
      return null;
    }
    String follow = wire.getOrDefault(FOLLOW_KEY, "");
    Metadata m = new Metadata();
    for (Map.Entry<String, String> e : wire.entrySet()) {
      String key = e.getKey();
      if (key.startsWith(Metadata.RESERVED_PREFIX)) {
        continue;
      }
      if (!Metadata.isValidKey(key)) {
        throw new IllegalArgumentException("invalid metadata key '" + abbreviate(key) + "'");
      }
      if (follows(follow, key)) {
        m.putFollowing(key, e.getValue());
      } else {
        m.put(key, e.getValue());
      }
    }
    return m;
  }

  private static boolean follows(String list, String key) {
    int from = 0;
    while (from <= list.length()) {
      int comma = list.indexOf(',', from);
      int end = comma < 0 ? list.length() : comma;
      if (end - from == key.length() && list.startsWith(key, from)) {
        return true;
      }
      if (comma < 0) {
        return false;
      }
      from = comma + 1;
    }
    return false;
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
