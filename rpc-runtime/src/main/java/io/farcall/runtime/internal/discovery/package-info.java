/**
 * Internal: provider registration and consumer discovery in ZooKeeper, through Curator's service
 * discovery. Not a public API; the runtime's root object is its only intended user.
 *
 * <p>{@link io.farcall.runtime.internal.discovery.Registry} owns one Curator client (and, with no
 * registry configured and none running locally, an embedded ZooKeeper). Providers get a {@link
 * io.farcall.runtime.internal.discovery.Registration} per exported service; consumers read a {@link
 * io.farcall.runtime.internal.discovery.ServiceDirectory}, a watched cache that never asks
 * ZooKeeper on the call path and keeps its last known endpoints while ZooKeeper is unreachable. The
 * lists read from ZooKeeper are saved on local disk by {@link
 * io.farcall.runtime.internal.discovery.DiskCache}, so that a directory created while ZooKeeper is
 * unreachable, in this run or a later one, starts from them.
 */
package io.farcall.runtime.internal.discovery;
