/**
 * Internal: the runtime's parts, one package per layer ({@code proxy}, {@code invoke}, {@code
 * codec}, {@code transport}, {@code discovery}), and the link the agent sets at start-up. Not a
 * public API: nothing here is kept compatible between releases.
 */
package io.farcall.runtime.internal;
