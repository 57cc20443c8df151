/**
 * Internal: how the body of a Farcall frame is encoded. Not an API; anything here may change
 * without notice.
 *
 * <p>{@link io.farcall.runtime.internal.codec.BodyCodec} turns call arguments, return values and
 * exceptions into Kryo bytes and back, and refuses any class that no {@code @Remote} interface or
 * configuration allowed.
 */
package io.farcall.runtime.internal.codec;
