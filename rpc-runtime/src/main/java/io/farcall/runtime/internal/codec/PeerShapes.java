package io.farcall.runtime.internal.codec;

import com.google.common.collect.ImmutableList;
import io.netty.buffer.ByteBuf;
import java.util.HashMap;
import java.util.Map;

/**
 * What the peer of a connection told about its types: the shape hash of every type whose encoding
 * depends on its declaration (see {@link TypeShape}), by class id. A body written to that peer
 * encodes a value positionally only where the peer's shape is this side's; any other value goes by
 * name. A peer that told nothing yet ({@link #UNKNOWN}) gets everything by name: slower, never
 * wrong. Immutable and thread-safe.
 *
 * <p>On the wire (the body of a {@code KIND_HELLO} frame): a varint count, then per type its class
 * id as a varint and its hash as 8 bytes, big endian.
 */
public final class PeerShapes {
  /** A peer that told nothing: every shaped value travels by name. */
  public static final PeerShapes UNKNOWN = new PeerShapes(Map.of(), false);

  /**
   * A peer with exactly this JVM's classes (both ends of a call in one JVM, as in benchmarks):
   * everything travels positionally.
   */
  public static final PeerShapes SAME = new PeerShapes(Map.of(), true);

  /** More entries than any application has types: a hello with more is refused. */
  static final int MAX_ENTRIES = 1 << 16;

  private static final boolean[] NONE = new boolean[0];

  private final Map<Integer, Long> hashById;
  private final boolean all;

  /** Which of a codec's entries (by index) this peer shares; for the last entries list seen. */
  private volatile Resolved resolved;

  private record Resolved(ImmutableList<AllowList.Entry> entries, boolean[] same) {}

  private PeerShapes(Map<Integer, Long> hashById, boolean all) {
    this.hashById = hashById;
    this.all = all;
  }

  /** How many types the peer told about. */
  public int size() {
    return hashById.size();
  }

  /** Writes this side's table: what the peer needs to know to write positionally to us. */
  static void writeTable(ByteBuf out, ImmutableList<AllowList.Entry> entries) {
    int count = 0;
    for (AllowList.Entry e : entries) {
      if (e.shape() != null) {
        count++;
      }
    }
    writeVarInt(out, count);
    for (AllowList.Entry e : entries) {
      if (e.shape() != null) {
        writeVarInt(out, e.id());
        out.writeLong(e.shape().hash());
      }
    }
  }

  /**
   * Reads a peer's table.
   *
   * @throws BodyDecodingException if it is malformed, truncated or larger than any real one
   */
  static PeerShapes readTable(ByteBuf in) {
    int count = readVarInt(in);
    if (count < 0 || count > MAX_ENTRIES || (long) count * 9 > in.readableBytes()) {
      throw new BodyDecodingException(
          "a shape table of " + count + " types in " + in.readableBytes() + " bytes");
    }
    Map<Integer, Long> hashes = new HashMap<>(count * 2);
    for (int i = 0; i < count; i++) {
      int id = readVarInt(in);
      if (in.readableBytes() < Long.BYTES) {
        throw new BodyDecodingException("shape table ends early");
      }
      hashes.put(id, in.readLong());
    }
    if (in.isReadable()) {
      throw new BodyDecodingException(in.readableBytes() + " bytes after the shape table");
    }
    return new PeerShapes(Map.copyOf(hashes), false);
  }

  /** For each of {@code entries} (by index), whether this peer has the same shape of it. */
  boolean[] sameAs(ImmutableList<AllowList.Entry> entries) {
    Resolved r = resolved;
    if (r != null && r.entries == entries) {
      return r.same;
    }
    if (hashById.isEmpty() && !all) {
      return NONE;
    }
    boolean[] same = new boolean[entries.size()];
    for (AllowList.Entry e : entries) {
      if (e.shape() != null) {
        Long theirs = hashById.get(e.id());
        same[e.index()] = all || (theirs != null && theirs == e.shape().hash());
      }
    }
    resolved = new Resolved(entries, same);
    return same;
  }

  private static void writeVarInt(ByteBuf out, int value) {
    while ((value & ~0x7F) != 0) {
      out.writeByte((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.writeByte(value);
  }

  private static int readVarInt(ByteBuf in) {
    int value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (!in.isReadable()) {
        throw new BodyDecodingException("shape table ends early");
      }
      byte b = in.readByte();
      value |= (b & 0x7F) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw new BodyDecodingException("malformed varint in the shape table");
  }
}
