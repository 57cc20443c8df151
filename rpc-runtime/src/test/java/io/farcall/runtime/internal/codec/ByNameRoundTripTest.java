package io.farcall.runtime.internal.codec;

/**
 * Every round trip of {@link BodyCodecRoundTripTest} with a writer that knows nothing of its
 * reader's types, as before a peer's hello arrived: every value of an application type travels by
 * name, and must come back just as equal.
 */
class ByNameRoundTripTest extends BodyCodecRoundTripTest {
  @Override
  PeerShapes writersKnowOfTheReader() {
    return PeerShapes.UNKNOWN;
  }
}
