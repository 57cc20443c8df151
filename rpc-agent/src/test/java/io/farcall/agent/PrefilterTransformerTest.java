package io.farcall.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class PrefilterTransformerTest {
  @Test
  void classesThatCarryAFarcallAnnotationPassAndOthersDoNot() throws IOException {
    assertThat(PrefilterTransformer.mentionsMarker(bytes(acme.shop.InventoryImpl.class))).isTrue();
    assertThat(PrefilterTransformer.mentionsMarker(bytes(acme.shop.Checkout.class))).isTrue();
    assertThat(PrefilterTransformer.mentionsMarker(bytes(acme.shop.PlainApp.class))).isFalse();
    assertThat(PrefilterTransformer.mentionsMarker(bytes(String.class))).isFalse();
  }

  private static byte[] bytes(Class<?> c) throws IOException {
    try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
      return in.readAllBytes();
    }
  }
}
