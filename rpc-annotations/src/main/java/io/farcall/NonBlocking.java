package io.farcall;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks provider code that returns quickly and never blocks, so that the provider runs it on the
 * I/O thread that read the request instead of handing it to its executor and the reply back: two
 * thread hand-offs fewer per call, which is most of a small call's latency.
 *
 * <p>Put it on a method of an {@link Export}ed class, on the class (all its remote methods), or on
 * a method of the {@link Remote} interface. Such code must not sleep, wait for locks held for long,
 * do blocking I/O, or make synchronous remote calls: while it runs, no other request on the I/O
 * thread is read. A synchronous remote call made from it fails at once with an {@link
 * RpcException}; asynchronous ones ({@code CompletableFuture} methods) are fine. Everything else is
 * as without it: deadlines, overload refusal, draining, exceptions.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface NonBlocking {}
