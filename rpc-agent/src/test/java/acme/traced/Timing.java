package acme.traced;

import io.farcall.ClientInterceptor;
import io.farcall.RemoteCall;

/** Prints one line per call the consumer made: method, outcome, whether it took any time. */
public class Timing implements ClientInterceptor {
  @Override
  public Object intercept(RemoteCall call, Chain chain) throws Throwable {
    return chain.proceed();
  }

  @Override
  public void onEnd(RemoteCall call) {
    System.out.println(
        "TIMED " + call.methodKey() + " " + call.status() + " " + (call.elapsedNanos() > 0));
  }
}
