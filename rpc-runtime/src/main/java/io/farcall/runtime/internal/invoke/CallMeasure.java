package io.farcall.runtime.internal.invoke;

import io.farcall.CallStatus;
import io.farcall.runtime.internal.metrics.CallMetrics;

/**
 * What one call measures for its method's metrics: made only for methods that have metrics, so that
 * without them a call carries one null reference and nothing else. Written by the threads the call
 * passes through, in order (each hand-over publishes what came before).
 */
final class CallMeasure {
  final CallMetrics metrics;
  long startNanos;

  /** The body sizes of the last request sent and of the reply. */
  int requestBytes;

  int replyBytes;

  /** How it ended, where the side learns it before the end (the provider's replies). */
  CallStatus status;

  Throwable error;

  CallMeasure(CallMetrics metrics) {
    this.metrics = metrics;
  }

  /** A measure for a method with {@code metrics}, or null for one without. */
  static CallMeasure of(CallMetrics metrics) {
    return metrics == null ? null : new CallMeasure(metrics);
  }

  /** Tells the metrics the call ended now. */
  void ended(CallStatus endStatus, Throwable endError) {
    metrics.ended(endStatus, endError, System.nanoTime() - startNanos, requestBytes, replyBytes);
  }
}
