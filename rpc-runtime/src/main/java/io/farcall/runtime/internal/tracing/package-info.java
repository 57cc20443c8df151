/**
 * Internal: a span for each call, client and server side, with the application's OpenTelemetry
 * ({@link io.farcall.runtime.internal.tracing.TracingSetup}). Only {@code TracingSetup} and the
 * loader it may use are free of OpenTelemetry types; the classes named {@code Otel*} are compiled
 * against the OpenTelemetry API and loaded only when it is present: from the runtime's own class
 * path when the application has the API, or, with the OpenTelemetry Java agent attached, from the
 * copy of the API Farcall's jar carries, in a loader of their own that the OpenTelemetry agent
 * bridges to its SDK. Not a public API.
 */
package io.farcall.runtime.internal.tracing;
