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
 *
 * <p>Inside, the registry is a facade over one class per role, all on the one Curator client:
 * {@link io.farcall.runtime.internal.discovery.ZooKeeperConnection} (the client, the embedded
 * ZooKeeper, the threads), {@link io.farcall.runtime.internal.discovery.Registrar} (registrations),
 * {@link io.farcall.runtime.internal.discovery.ServiceDirectories} (directories and their catch-up)
 * and {@link io.farcall.runtime.internal.discovery.ServiceLister} (listing for tools).
 */
package io.farcall.runtime.internal.discovery;
