package io.farcall.runtime.internal.invoke;

/**
 * An interceptor of Farcall's own that may have nothing to do for a while, such as tracing while
 * the application has set no OpenTelemetry. A side of a service whose interceptors are all dormant
 * takes the plain call path, as if it had none, and pays nothing for them; they are asked again at
 * each call, so they take part as soon as one wakes.
 */
public interface Dormant {
  /** Whether the interceptor would only proceed now; cheap, called once per call. */
  boolean dormant();

  /** {@code chain}'s interceptors if each is {@link Dormant}, else null. */
  static Dormant[] all(Object[] chain) {
    Dormant[] all = new Dormant[chain.length];
    for (int i = 0; i < chain.length; i++) {
      if (!(chain[i] instanceof Dormant d)) {
        return null;
      }
      all[i] = d;
    }
    return all;
  }

  /**
   * Whether a call through {@code chain}, whose {@link #all} is {@code dormant}, needs to run it:
   * it has an interceptor that is not dormant now.
   */
  static boolean intercepts(Object[] chain, Dormant[] dormant) {
    if (dormant == null) {
      return chain.length != 0;
    }
    for (Dormant d : dormant) {
      if (!d.dormant()) {
        return true;
      }
    }
    return false;
  }
}
