package io.farcall.runtime.internal.invoke;

import io.farcall.RpcException;
import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.discovery.ServiceDirectory;
import io.farcall.runtime.internal.transport.ClientTransport;
import io.netty.util.Timer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * The consumer side of one service: turns a stub's method call into a {@link ClientCall} and, for a
 * synchronous method, waits for its outcome. One per service per runtime; thread-safe.
 */
public final class ClientInvoker {
  final ServiceDescriptor service;
  final ServiceDirectory directory;
  final ClientTransport transport;
  final BodyCodec codec;
  final Timer timer;
  final Executor callbackExecutor;
  final LoadBalancer balancer = new LoadBalancer.RoundRobin();
  private final long defaultTimeoutNanos;

  public ClientInvoker(
      ServiceDescriptor service,
      ServiceDirectory directory,
      ClientTransport transport,
      BodyCodec codec,
      Timer timer,
      Executor callbackExecutor,
      Duration defaultTimeout) {
    this.service = service;
    this.directory = directory;
    this.transport = transport;
    this.codec = codec;
    this.timer = timer;
    this.callbackExecutor = callbackExecutor;
    this.defaultTimeoutNanos = defaultTimeout.toNanos();
  }

  public ServiceDescriptor service() {
    return service;
  }

  /**
   * Calls {@code method} remotely. An asynchronous method gets its {@link CompletableFuture} at
   * once; a synchronous one blocks until the reply or the deadline, then returns the value or
   * throws what the call ended with: the application's own exception, or an {@link RpcException}.
   */
  public Object invoke(MethodDescriptor method, Object[] args) throws Throwable {
    long now = System.nanoTime();
    long timeout = method.timeoutNanos() > 0 ? method.timeoutNanos() : defaultTimeoutNanos;
    long deadline = now + timeout;
    long inherited = CallContext.deadlineNanos();
    if (inherited != 0 && inherited - deadline < 0) {
      deadline = inherited; // a nested call never outlives the call it serves
    }
    ClientCall call = new ClientCall(this, method, args, deadline);
    call.start();
    if (method.isAsync()) {
      return call.userFuture();
    }
    return await(call);
  }

  private static Object await(ClientCall call) throws Throwable {
    CompletableFuture<Object> f = call.result();
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RpcException) {
        // Created on an event-loop thread; its stack should show the caller's code instead.
        cause.fillInStackTrace();
      } else {
        cause.addSuppressed(new RemoteCallSite(call.describe()));
      }
      throw cause;
    } catch (InterruptedException e) {
      call.cancel();
      Thread.currentThread().interrupt();
      throw new RpcException("interrupted while calling " + call.describe(), e);
    }
  }

  /**
   * Attached to an application exception rethrown in the caller: its own stack trace is the
   * provider's; this one shows where the caller made the call.
   */
  static final class RemoteCallSite extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RemoteCallSite(String call) {
      super("thrown by the provider of remote call " + call);
    }
  }
}
