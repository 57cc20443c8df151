package io.farcall.runtime.internal.access;

import io.farcall.ClientInterceptor;
import io.farcall.Metadata;
import io.farcall.RemoteCall;
import io.farcall.ServerInterceptor;

/**
 * Logs one line per call once it ended, on the side it runs on, at INFO to the logger {@value
 * #LOGGER}: {@code client acme.Greeter greet(java.lang.String) peer=127.0.0.1:7000 status=OK
 * duration_us=412 trace_id=4bf92f3577b34da6a3ce929d0e0e4736}. The trace id is that of the call's
 * {@code traceparent}, or {@code -}. Where the lines go, and whether on the calling thread, is the
 * Log4j configuration's to say: an {@code AsyncLogger} for {@value #LOGGER} hands each line to
 * Log4j's background thread, and a call never waits for the disk. See {@link AccessSink} for which
 * Log4j that is.
 */
public final class AccessLog implements ClientInterceptor, ServerInterceptor {
  /** The logger's name, for the Log4j configuration. */
  public static final String LOGGER = "farcall.access";

  private final AccessSink sink;

  public AccessLog(AccessSink sink) {
    this.sink = sink;
  }

  @Override
  public Object intercept(RemoteCall call, ClientInterceptor.Chain chain) throws Throwable {
    return chain.proceed();
  }

  @Override
  public Object intercept(RemoteCall call, ServerInterceptor.Chain chain) throws Throwable {
    return chain.proceed();
  }

  @Override
  public void onEnd(RemoteCall call) {
    if (!sink.enabled()) {
      return;
    }
    String peer = call.peer();
    sink.log(
        (call.isServerSide() ? "server " : "client ")
            + call.service()
            + ' '
            + call.methodKey()
            + " peer="
            + (peer == null ? "-" : peer)
            + " status="
            + call.status()
            + " duration_us="
            + call.elapsedNanos() / 1000
            + " trace_id="
            + traceId(call.metadata()));
  }

  /** The trace id of a W3C {@code traceparent} ({@code 00-<32 hex>-<16 hex>-<2 hex>}), or "-". */
  static String traceId(Metadata metadata) {
    String p = metadata.get("traceparent");
    return p != null && p.length() >= 36 && p.charAt(2) == '-' && p.charAt(35) == '-'
        ? p.substring(3, 35)
        : "-";
  }
}
