package io.farcall.runtime.internal.metrics;

import io.farcall.CallStatus;

/**
 * The metrics of one remote method on one side (a stub's, or an export's), made when the stub or
 * the export is, so that every meter exists before the first call. Calls tell it when they start
 * and end; neither allocates once the outcome's meters exist (each application exception type's are
 * made the first time it is seen). Thread-safe.
 */
public interface CallMetrics {
  /** A call started: on the consumer, as Farcall takes it; on the provider, once admitted. */
  void started();

  /**
   * A call that {@link #started()} ended.
   *
   * @param error what it failed with, null for {@link CallStatus#OK}
   * @param nanos its duration
   * @param requestBytes the size of its request body (the last one sent, on the consumer), 0 if
   *     none
   * @param replyBytes the size of its reply body, 0 if none
   */
  void ended(CallStatus status, Throwable error, long nanos, long requestBytes, long replyBytes);

  /**
   * A provider refused the call before it started (unknown to the provider's admission), with
   * {@code status}: counted among the calls that ended, not in their durations.
   */
  void refused(CallStatus status);

  /** A consumer's call was tried again on another provider. */
  void retried();

  /** A consumer's call could have been tried again, but the retry budget was spent. */
  void retryDenied();
}
