package io.farcall.runtime.internal.metrics;

/**
 * One scrape of the meters, as the admin endpoint's {@code /metrics} answers it.
 *
 * @param contentType the media type of {@code body}, as the format it is in names it
 * @param body the meters in that format
 */
public record Exposition(String contentType, byte[] body) {}
