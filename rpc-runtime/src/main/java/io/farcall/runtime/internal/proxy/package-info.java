/**
 * Internal: the stubs generated for {@code @Remote} interfaces. Not an API; anything here may
 * change without notice. {@link io.farcall.runtime.internal.proxy.StubFactory} generates one class
 * per interface with Byte Buddy, each method a constant index into its service.
 */
package io.farcall.runtime.internal.proxy;
