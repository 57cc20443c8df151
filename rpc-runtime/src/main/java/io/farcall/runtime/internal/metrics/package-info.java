/**
 * Internal: what the runtime's layers tell its metrics ({@link
 * io.farcall.runtime.internal.metrics.RuntimeMetrics}, {@link
 * io.farcall.runtime.internal.metrics.CallMetrics}), and their Micrometer implementation, loaded
 * only when the application gives a meter registry. Below every other layer: any may report here.
 * Not a public API.
 */
package io.farcall.runtime.internal.metrics;
