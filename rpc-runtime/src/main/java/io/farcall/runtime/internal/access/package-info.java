/**
 * Internal: the access log, one line per call on each side, through the Log4j logger {@link
 * io.farcall.runtime.internal.access.AccessLog#LOGGER}. Not a public API.
 */
package io.farcall.runtime.internal.access;
