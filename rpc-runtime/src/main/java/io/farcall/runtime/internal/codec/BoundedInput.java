package io.farcall.runtime.internal.codec;

import com.esotericsoftware.kryo.io.Input;

/**
 * A Kryo input over a whole body (an array: the body's own, or a copy of a direct buffer's bytes,
 * which reads faster than a {@code ByteBufferInput} and needs no NIO view per call) that refuses
 * lengths the remaining bytes cannot hold.
 *
 * <p>Kryo allocates arrays and string buffers from the length prefix it reads before reading the
 * elements, so ten hostile bytes could make it allocate gigabytes. Every element takes at least one
 * byte (or its fixed width), so a length above what is left is certainly malformed. See
 * BodyCodecSafetyTest#hugeLengthPrefixesAreRefusedWithoutAllocating.
 */
final class BoundedInput extends Input {

  BoundedInput() {
    super();
  }

  int remaining() {
    return limit - position;
  }

  private void ensureAvailable(int count, int bytesPerElement) {
    if (count < 0 || (long) count * bytesPerElement > remaining()) {
      throw new BodyDecodingException(
          "length "
              + count
              + " at position "
              + position
              + " exceeds the "
              + remaining()
              + " bytes left in the body");
    }
  }

  @Override
  public byte[] readBytes(int length) {
    ensureAvailable(length, 1);
    return super.readBytes(length);
  }

  @Override
  public int[] readInts(int length) {
    ensureAvailable(length, Integer.BYTES);
    return super.readInts(length);
  }

  @Override
  public int[] readInts(int length, boolean optimizePositive) {
    ensureAvailable(length, 1);
    return super.readInts(length, optimizePositive);
  }

  @Override
  public long[] readLongs(int length) {
    ensureAvailable(length, Long.BYTES);
    return super.readLongs(length);
  }

  @Override
  public long[] readLongs(int length, boolean optimizePositive) {
    ensureAvailable(length, 1);
    return super.readLongs(length, optimizePositive);
  }

  @Override
  public float[] readFloats(int length) {
    ensureAvailable(length, Float.BYTES);
    return super.readFloats(length);
  }

  @Override
  public double[] readDoubles(int length) {
    ensureAvailable(length, Double.BYTES);
    return super.readDoubles(length);
  }

  @Override
  public short[] readShorts(int length) {
    ensureAvailable(length, Short.BYTES);
    return super.readShorts(length);
  }

  @Override
  public char[] readChars(int length) {
    ensureAvailable(length, Character.BYTES);
    return super.readChars(length);
  }

  @Override
  public boolean[] readBooleans(int length) {
    ensureAvailable(length, 1);
    return super.readBooleans(length);
  }

  @Override
  public String readString() {
    checkUtf8Length();
    return super.readString();
  }

  @Override
  public StringBuilder readStringBuilder() {
    checkUtf8Length();
    return super.readStringBuilder();
  }

  /** Peeks at a string's char count (UTF-8 form only; ASCII needs no buffer) and checks it. */
  private void checkUtf8Length() {
    int start = position();
    if (readVarIntFlag()) {
      int charCount = readVarIntFlag(true) - 1;
      if (charCount > 0) {
        ensureAvailable(charCount, 1);
      }
    }
    setPosition(start);
  }

  /**
   * Pre-sizing stops here; a collection declared larger grows as its elements really arrive. A
   * declared size may be as large as the bytes left (each element takes at least one), but a hash
   * table for 8 MiB of them is 64 MiB before a single element is read.
   */
  static final int MAX_PRESIZE = 1 << 12;

  /** The {@link HashFlood} limit for the bodies this input reads. */
  private int hashCollisionLimit = HashFlood.DEFAULT_LIMIT;

  void hashCollisionLimit(int limit) {
    hashCollisionLimit = limit;
  }

  static int hashCollisionLimit(com.esotericsoftware.kryo.io.Input input) {
    return input instanceof BoundedInput bounded
        ? bounded.hashCollisionLimit
        : HashFlood.DEFAULT_LIMIT;
  }

  /**
   * Checks a collection's or map's declared size against the bytes left, and says how far to
   * pre-size it: never beyond {@link #MAX_PRESIZE}. Kryo adds an all-null collection's elements
   * without reading a byte for each, so the check must come before the collection is made.
   */
  static int capacityFor(com.esotericsoftware.kryo.io.Input input, int declaredSize) {
    checkCount(input, declaredSize);
    return Math.max(0, Math.min(declaredSize, MAX_PRESIZE));
  }

  /** Checks an element count read from the body against the remaining bytes. */
  static void checkCount(com.esotericsoftware.kryo.io.Input input, int count) {
    if (input instanceof BoundedInput bounded) {
      bounded.ensureAvailable(count, 1);
    }
  }
}
