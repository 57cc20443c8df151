package io.farcall;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A remote call's metadata: string keys and values carried in the call's header (trace context,
 * caller name, tokens), read and written by interceptors on both sides and by provider code through
 * {@link CurrentCall#metadata()}.
 *
 * <p>An entry {@linkplain #putFollowing put as following} also travels with every call the provider
 * makes while serving this one, and on from there, the way the deadline does: that is how a trace
 * context or a tenant reaches the whole call tree. A plain {@link #put} entry reaches only the
 * provider of this call.
 *
 * <p>Keys are 1 to 128 characters of {@code a-z 0-9 - _ .} (lower case, as HTTP/2 and gRPC metadata
 * keys), and keys starting with {@code farcall-} are Farcall's own. Values are any string. The
 * whole header is bounded by the receiving side's {@code maxheadersize} and {@code
 * maxmetadataentries}; a call whose metadata exceeds the sending side's own limits fails with
 * {@link InvalidCallException} before it is sent.
 *
 * <p>Not thread-safe: one call's interceptors use it one after another.
 */
public final class Metadata {
  /** The longest key. */
  public static final int MAX_KEY_LENGTH = 128;

  /** The prefix of Farcall's own keys, which applications may not set. */
  public static final String RESERVED_PREFIX = "farcall-";

  private String[] keys = NONE;
  private String[] values = NONE;
  private boolean[] following = NO_FLAGS;
  private int size;

  private static final String[] NONE = new String[0];
  private static final boolean[] NO_FLAGS = new boolean[0];

  /** Empty metadata. */
  public Metadata() {}

  /** The value of {@code key}, or null. */
  public String get(String key) {
    int i = indexOf(key);
    return i < 0 ? null : values[i];
  }

  /** Whether {@code key} has a value. */
  public boolean contains(String key) {
    return indexOf(key) >= 0;
  }

  /**
   * Whether {@code key} follows nested calls ({@link #putFollowing}); false when it has no value.
   */
  public boolean isFollowing(String key) {
    int i = indexOf(key);
    return i >= 0 && following[i];
  }

  /**
   * Sets {@code key} to {@code value} for this call only: the provider sees it, calls it makes do
   * not carry it on. Replaces any previous value, and its following mark.
   *
   * @throws IllegalArgumentException if the key is not a valid metadata key
   * @throws NullPointerException if the value is null
   */
  public Metadata put(String key, String value) {
    return set(key, value, false);
  }

  /**
   * Sets {@code key} to {@code value} for this call and for every call made while serving it,
   * transitively (unless one of them sets the key again).
   *
   * @throws IllegalArgumentException if the key is not a valid metadata key
   * @throws NullPointerException if the value is null
   */
  public Metadata putFollowing(String key, String value) {
    return set(key, value, true);
  }

  /** Removes {@code key}; returns its value, or null if it had none. */
  public String remove(String key) {
    int i = indexOf(key);
    if (i < 0) {
      return null;
    }
    String old = values[i];
    int tail = size - i - 1;
    System.arraycopy(keys, i + 1, keys, i, tail);
    System.arraycopy(values, i + 1, values, i, tail);
    System.arraycopy(following, i + 1, following, i, tail);
    size--;
    keys[size] = null;
    values[size] = null;
    following[size] = false;
    return old;
  }

  /** The number of entries. */
  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** Calls {@code action} with each key and value, in the order they were first set. */
  public void forEach(BiConsumer<String, String> action) {
    for (int i = 0; i < size; i++) {
      action.accept(keys[i], values[i]);
    }
  }

  /** A copy of the entries as a map, in the order they were first set. */
  public Map<String, String> asMap() {
    Map<String, String> m = new LinkedHashMap<>();
    forEach(m::put);
    return m;
  }

  /**
   * Whether {@code key} may be set by an application: 1 to {@link #MAX_KEY_LENGTH} characters of
   * {@code a-z 0-9 - _ .}, not starting with {@link #RESERVED_PREFIX}.
   */
  public static boolean isValidKey(String key) {
    if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
      if (!ok) {
        return false;
      }
    }
    return !key.startsWith(RESERVED_PREFIX);
  }

  private Metadata set(String key, String value, boolean follows) {
    if (!isValidKey(key)) {
      throw new IllegalArgumentException(
          "invalid metadata key '"
              + key
              + "': use 1 to "
              + MAX_KEY_LENGTH
              + " characters of a-z 0-9 - _ . not starting with '"
              + RESERVED_PREFIX
              + "'");
    }
    if (value == null) {
      throw new NullPointerException("metadata value of '" + key + "' is null");
    }
    int i = indexOf(key);
    if (i < 0) {
      if (size == keys.length) {
        int n = Math.max(4, size * 2);
        keys = Arrays.copyOf(keys, n);
        values = Arrays.copyOf(values, n);
        following = Arrays.copyOf(following, n);
      }
      i = size++;
      keys[i] = key;
    }
    values[i] = value;
    following[i] = follows;
    return this;
  }

  private int indexOf(String key) {
    for (int i = 0; i < size; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  /** The key of entry {@code i}, for Farcall's encoder; {@code 0 <= i < size()}. */
  public String keyAt(int i) {
    checkIndex(i);
    return keys[i];
  }

  /** The value of entry {@code i}, for Farcall's encoder; {@code 0 <= i < size()}. */
  public String valueAt(int i) {
    checkIndex(i);
    return values[i];
  }

  /** Whether entry {@code i} follows nested calls; {@code 0 <= i < size()}. */
  public boolean isFollowingAt(int i) {
    checkIndex(i);
    return following[i];
  }

  private void checkIndex(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("entry " + i + " of " + size);
    }
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < size; i++) {
      if (i > 0) {
        b.append(", ");
      }
      b.append(keys[i]).append(following[i] ? "(following)" : "").append('=').append(values[i]);
    }
    return b.append('}').toString();
  }
}
