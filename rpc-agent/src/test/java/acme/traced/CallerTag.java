package acme.traced;

import io.farcall.ClientInterceptor;
import io.farcall.RemoteCall;

/** Tags every call with this application's name, and a tenant that follows nested calls. */
public class CallerTag implements ClientInterceptor {
  @Override
  public Object intercept(RemoteCall call, Chain chain) throws Throwable {
    call.metadata().put("caller", System.getProperty("app.name", "unnamed"));
    call.metadata().putFollowing("tenant", "acme");
    return chain.proceed();
  }
}
