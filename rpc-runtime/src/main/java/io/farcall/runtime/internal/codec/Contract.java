package io.farcall.runtime.internal.codec;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;

/**
 * What a provider's version of a {@code @Remote} interface promises callers: its methods, and the
 * shapes of the types they exchange (see {@link TypeShape}), as text, with a fingerprint of it.
 * Each registration carries both, so that tools can show a fleet whose providers run different
 * versions.
 *
 * @param fingerprint 16 hex digits: 64 bits of murmur3 over the text
 * @param text blocks of lines: one per interface or type, its members indented below it
 */
public record Contract(String fingerprint, String text) {
  static Contract of(String text) {
    long hash = Hashing.murmur3_128().hashString(text, StandardCharsets.UTF_8).asLong();
    return new Contract(String.format("%016x", hash), text);
  }
}
