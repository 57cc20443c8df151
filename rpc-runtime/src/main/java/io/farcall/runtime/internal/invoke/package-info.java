/**
 * Internal: a call's path on each side. Not an API; anything here may change without notice.
 *
 * <p>Consumer: {@link io.farcall.runtime.internal.invoke.ClientInvoker} (one per service) turns a
 * stub's method call into a {@code ClientCall}, which runs the service's client interceptors and
 * then Farcall's own steps: deadline, failover and retry, load balancing, transport. Provider:
 * {@link io.farcall.runtime.internal.invoke.Dispatcher} routes and admits each request ({@code
 * ServiceRoutes}, {@code Admission}) and hands it to a {@code ServerCall}, which decodes the
 * arguments and runs the service's server interceptors and then the method.
 */
package io.farcall.runtime.internal.invoke;
