package acme.traced;

import io.farcall.RemoteCall;
import io.farcall.ServerInterceptor;

/** Prints one line per call the provider served, with its caller and outcome. */
public class Audit implements ServerInterceptor {
  @Override
  public Object intercept(RemoteCall call, Chain chain) throws Throwable {
    return chain.proceed();
  }

  @Override
  public void onEnd(RemoteCall call) {
    System.out.println(
        "AUDIT "
            + call.service()
            + "."
            + call.methodKey()
            + " "
            + call.status()
            + " caller="
            + call.metadata().get("caller"));
  }
}
