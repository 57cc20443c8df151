package io.farcall.runtime.internal.codec;

import com.esotericsoftware.kryo.io.Output;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Request bodies an attacker would send to a method whose one parameter is declared {@code Object}:
 * hand-made ones no Farcall writer produces, and real values built to hurt the reader.
 */
public final class HostileBodies {
  private HostileBodies() {}

  /** Kryo's "all elements null" form of a collection of {@code type}: a count and one mark. */
  public static byte[] nulls(Class<?> type, int count) {
    Output o = new Output(16, -1);
    o.writeVarInt(AllowList.idOf(type) + 2, true);
    o.writeVarIntFlag(true, count + 1, true); // all of one class
    o.writeVarInt(0, true); // that class: none, all are null
    return o.toBytes();
  }

  /** A {@code HashSet} of distinct integers taking about {@code bytes} bytes. */
  public static byte[] integerSet(int bytes) {
    Set<Integer> set = new HashSet<>();
    // Each integer from 2^21 on takes a class id and four bytes.
    for (int i = 0; i < bytes / 5 - 4; i++) {
      set.add((1 << 21) + i);
    }
    return encode(set);
  }

  /**
   * A {@code HashSet} of two-element lists whose hash, 961 + 31a + b, is the same for every list: a
   * hash table that took them would compare each with all before it.
   */
  public static byte[] collidingLists(int count) {
    Set<List<Integer>> set = new HashSet<>();
    for (int a = 0; a < count; a++) {
      set.add(List.of(a, 1_000_000 - 31 * a));
    }
    return encode(set);
  }

  /** The body of a call of a method taking one {@code Object}, with {@code value}. */
  public static byte[] encode(Object value) {
    return arguments((Class<?>) null, new Object[] {value}, Object.class);
  }

  /**
   * The body of a call with these arguments, for a method of {@code remote} (null: JDK types only)
   * with these parameter types.
   */
  public static byte[] arguments(Class<?> remote, Object[] args, Class<?>... types) {
    BodyCodec codec = new BodyCodec(List.of());
    if (remote != null) {
      codec.allowInterface(remote);
    }
    return arguments(codec, args, types);
  }

  /** The body of a call with these arguments, as {@code codec} writes it. */
  public static byte[] arguments(BodyCodec codec, Object[] args, Class<?>... types) {
    ByteBuf buf = Unpooled.buffer();
    try {
      codec.writeArguments(buf, args, types, PeerShapes.SAME);
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      return bytes;
    } finally {
      buf.release();
    }
  }
}
