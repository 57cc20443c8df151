package io.farcall.runtime.testing;

import io.farcall.ClientInterceptor;
import io.farcall.RemoteCall;
import io.farcall.ServerInterceptor;
import java.util.concurrent.atomic.LongAdder;

/** Counts the calls it sees, on either side; nothing else. Created by name in tests. */
public final class CountingInterceptor implements ClientInterceptor, ServerInterceptor {
  /** Calls seen on both sides by every instance, since class loading. */
  public static final LongAdder CLIENT_CALLS = new LongAdder();

  public static final LongAdder SERVER_CALLS = new LongAdder();

  @Override
  public Object intercept(RemoteCall call, ClientInterceptor.Chain chain) throws Throwable {
    CLIENT_CALLS.increment();
    return chain.proceed();
  }

  @Override
  public Object intercept(RemoteCall call, ServerInterceptor.Chain chain) throws Throwable {
    SERVER_CALLS.increment();
    return chain.proceed();
  }
}
