/**
 * Internal: provider registration and consumer discovery in ZooKeeper, through Curator's service
 * discovery. Not a public API; the runtime's root object is its only intended user.
 *
 * <p>{@link io.farcall.runtime.internal.discovery.Registry} owns one Curator client (and, with no
 * registry configured and none running locally, an embedded ZooKeeper). Providers get a {@link
 * io.farcall.runtime.internal.discovery.Registration} per exported service; consumers read a {@link
 * io.farcall.runtime.internal.discovery.ServiceDirectory}, a watched cache that never asks
 * ZooKeeper on the call path and keeps its last known endpoints while ZooKeeper is unreachable.
 */
package io.farcall.runtime.internal.discovery;
