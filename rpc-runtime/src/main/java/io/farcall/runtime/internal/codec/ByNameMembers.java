package io.farcall.runtime.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.lang.reflect.Type;

/**
 * One member of a value written by name, as {@link ShapedSerializer} writes an object's fields and
 * the codec an exception's: the member's name, the length of its value, how many objects with
 * identity it holds, then the value with its class id. The length lets a reader skip a member it
 * does not have without decoding it, and the count keeps the ids of the objects after it right.
 */
final class ByNameMembers {
  private ByNameMembers() {}

  /** Appends a member; if its value cannot be encoded, throws and appends nothing. */
  static void write(PooledKryo owner, Output out, String name, Object value) {
    int ids = owner.writtenCount();
    Output scratch = owner.enterByName();
    try {
      owner.kryo.writeClassAndObject(scratch, value);
      out.writeString(name);
      out.writeVarInt(scratch.position(), true);
      out.writeVarInt(owner.writtenCount() - ids, true);
      out.writeBytes(scratch.getBuffer(), 0, scratch.position());
    } catch (RuntimeException | Error e) {
      owner.unwrite(ids);
      throw e;
    } finally {
      owner.exitByName();
    }
  }

  /**
   * Reads a member's length and object count, after its name; returns the position where its value
   * ends. If {@code skip}, moves past the value, accounting for the objects in it.
   */
  static int end(PooledKryo owner, Input in, boolean skip) {
    int length = in.readVarInt(true);
    BoundedInput.checkCount(in, length);
    int objects = in.readVarInt(true);
    BoundedInput.checkCount(in, objects);
    int end = in.position() + length;
    if (skip) {
      in.setPosition(end);
      owner.skipObjects(objects);
    }
    return end;
  }

  /**
   * Reads the member's value, which ends at {@code end}, fitted to its declaration here (see {@link
   * ValueConversion}).
   *
   * @param where the member, for errors: {@code field 'qty' of acme.Item}
   * @throws BodyDecodingException naming the member if the value does not decode, does not take
   *     exactly its length, or does not fit
   */
  static Object read(Kryo kryo, Input in, int end, Class<?> type, Type generic, String where) {
    int limit = in.limit();
    Object value;
    in.setLimit(end);
    try {
      value = kryo.readClassAndObject(in);
    } catch (BodyDecodingException e) {
      // Which member of which type, as the path to what did not decode.
      throw new BodyDecodingException(where + ": " + e.getMessage(), e);
    } finally {
      in.setLimit(limit);
    }
    if (in.position() != end) {
      throw new BodyDecodingException(where + " does not decode to the length it was sent with");
    }
    return ValueConversion.fit(value, type, generic, where);
  }
}
