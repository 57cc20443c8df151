/**
 * Internal to Farcall: what its runtime shares with the API classes an application compiles
 * against. Not for application code; it may change in any release.
 */
package io.farcall.internal;
