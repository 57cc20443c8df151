/**
 * Internal: the admin HTTP endpoint ({@link io.farcall.runtime.internal.admin.AdminServer}) that
 * serves a runtime's Prometheus metrics and its liveness and readiness to scrapers and probes. It
 * knows nothing of the runtime: what it serves is handed to it. Not a public API.
 */
package io.farcall.runtime.internal.admin;
