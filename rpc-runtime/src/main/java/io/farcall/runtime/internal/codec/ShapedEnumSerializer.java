package io.farcall.runtime.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.HashMap;
import java.util.Map;

/**
 * An enum constant by ordinal when the receiving peer has the same constants in the same order, by
 * name otherwise; reads either. One varint: 0 for null, 1 for a name that follows, else the ordinal
 * plus 2, so a same-shaped constant costs what Kryo's own enum serializer makes it cost. A name
 * this side lacks is refused, naming it and the enum: never another constant in its place.
 */
@SuppressWarnings({"rawtypes", "unchecked"}) // Kryo's signatures
final class ShapedEnumSerializer extends Serializer<Enum> {
  private static final int NULL = 0;
  private static final int BY_NAME = 1;
  private static final int FIRST_ORDINAL = 2;

  private final PooledKryo owner;
  private final int index;
  private final Class<?> type;
  private final Enum[] constants;
  private final Map<String, Enum> byName = new HashMap<>();

  ShapedEnumSerializer(PooledKryo owner, AllowList.Entry entry) {
    super(true, true);
    this.owner = owner;
    this.index = entry.index();
    this.type = entry.type();
    this.constants = (Enum[]) type.getEnumConstants();
    for (Enum constant : constants) {
      byName.put(constant.name(), constant);
    }
  }

  @Override
  public void write(Kryo kryo, Output output, Enum constant) {
    if (constant == null) {
      output.writeVarInt(NULL, true);
    } else if (owner.writesPositionally(index)) {
      output.writeVarInt(constant.ordinal() + FIRST_ORDINAL, true);
    } else {
      output.writeVarInt(BY_NAME, true);
      output.writeString(constant.name());
    }
  }

  @Override
  public Enum read(Kryo kryo, Input input, Class<? extends Enum> unused) {
    int code = input.readVarInt(true);
    if (code == NULL) {
      return null;
    }
    if (code == BY_NAME) {
      String name = input.readString();
      Enum constant = byName.get(name);
      if (constant == null) {
        throw new BodyDecodingException(
            "enum " + type.getName() + " has no constant " + name + " here");
      }
      return constant;
    }
    int ordinal = code - FIRST_ORDINAL;
    if (ordinal >= constants.length) {
      throw new BodyDecodingException(
          "enum " + type.getName() + " has no constant with ordinal " + ordinal + " here");
    }
    return constants[ordinal];
  }
}
