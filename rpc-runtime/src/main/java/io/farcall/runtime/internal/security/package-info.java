/**
 * Internal: who may call what. The provider's authorization policy ({@link
 * io.farcall.runtime.internal.security.Policy}) checked by a server interceptor ({@link
 * io.farcall.runtime.internal.security.Authorization}), the tokens a provider accepts ({@link
 * io.farcall.runtime.internal.security.Tokens}) and the one a consumer sends ({@link
 * io.farcall.runtime.internal.security.TokenCredentials}); each file read again when it changes.
 * Not a public API.
 */
package io.farcall.runtime.internal.security;
