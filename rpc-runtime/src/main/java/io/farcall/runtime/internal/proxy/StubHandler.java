package io.farcall.runtime.internal.proxy;

/**
 * What every generated stub method calls: {@code handler.invoke(methodIndex, arguments)}. Public
 * only because generated classes live in the interface's package.
 */
public abstract class StubHandler {
  /**
   * Runs remote method number {@code method} (its index in the service descriptor) with the stub's
   * arguments; returns the value (boxed) or throws the call's exception.
   */
  public abstract Object invoke(int method, Object[] args) throws Throwable;
}
