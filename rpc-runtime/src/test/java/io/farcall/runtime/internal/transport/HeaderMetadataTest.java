package io.farcall.runtime.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.farcall.Metadata;
import io.farcall.runtime.internal.codec.proto.Header;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderMetadataTest {
  @Test
  void entriesAndWhichOfThemFollowSurviveTheHeader() throws Exception {
    Metadata m =
        new Metadata().put("caller", "checkout").putFollowing("traceparent", "00-ab-cd-01");
    m.putFollowing("tenant", "acme");
    Header.Builder h = Header.newBuilder();
    HeaderMetadata.write(m, h);
    Header parsed = Header.parseFrom(h.build().toByteArray());

    assertThat(parsed.getMetadataMap())
        .containsEntry("caller", "checkout")
        .containsEntry(HeaderMetadata.FOLLOW_KEY, "traceparent,tenant");
    assertThat(HeaderMetadata.entries(m)).isEqualTo(parsed.getMetadataCount());
    Metadata read = HeaderMetadata.read(parsed.getMetadataMap());
    assertThat(read.asMap())
        .containsOnly(
            Map.entry("caller", "checkout"),
            Map.entry("traceparent", "00-ab-cd-01"),
            Map.entry("tenant", "acme"));
    assertThat(read.isFollowing("traceparent")).isTrue();
    assertThat(read.isFollowing("tenant")).isTrue();
    assertThat(read.isFollowing("caller")).isFalse();
  }

  @Test
  void aFollowListNamesWholeKeysOnly() {
    Metadata read =
        HeaderMetadata.read(Map.of("ten", "1", "tenant", "2", HeaderMetadata.FOLLOW_KEY, "tenant"));
    assertThat(read.isFollowing("tenant")).isTrue();
    assertThat(read.isFollowing("ten")).as("a prefix of a following key").isFalse();
  }

  @Test
  void farcallsOwnUnknownKeysAreLeftOutAndAnInvalidKeyIsRefused() {
    assertThat(HeaderMetadata.read(Map.of("farcall-future", "x", "k", "v")).asMap())
        .containsOnly(Map.entry("k", "v"));
    assertThat(HeaderMetadata.read(Map.of())).isNull();
    assertThatThrownBy(() -> HeaderMetadata.read(Map.of("Upper", "v")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid metadata key 'Upper'");
  }
}
