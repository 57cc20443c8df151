/**
 * Internal: frames over Netty. Not an API; anything here may change without notice.
 *
 * <p>{@link io.farcall.runtime.internal.transport.ClientTransport} keeps one multiplexed {@link
 * io.farcall.runtime.internal.transport.Connection} per provider; {@link
 * io.farcall.runtime.internal.transport.ServerTransport} accepts consumers and hands their requests
 * to a {@link io.farcall.runtime.internal.transport.RequestHandler}. Nothing here knows about
 * stubs, services or the registry.
 */
package io.farcall.runtime.internal.transport;
