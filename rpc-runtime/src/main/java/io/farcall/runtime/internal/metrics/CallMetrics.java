package io.farcall.runtime.internal.metrics;

import io.farcall.CallStatus;

/**
 * The metrics of one remote method on one side (a stub's, or an export's), made when the stub or
 * the export is, so that every meter exists before the first call. Calls tell it when they start
 * and end, and the sizes of what they carry; none of it allocates once the outcome's meters exist
 * (each application exception type's are made the first time it is seen). Thread-safe.
 */
public interface CallMetrics {
  /** A call started: on the consumer, as Farcall takes it; on the provider, once admitted. */
  void started();

  /**
   * A call's request body was {@code bytes} long: sent (by each try, on the consumer) or received.
   */
  void requestSize(long bytes);

  /** A call's reply body was {@code bytes} long: sent, or received. */
  void replySize(long bytes);

  /**
   * A call that {@link #started()} ended.
   *
   * @param error what it failed with, null for {@link CallStatus#OK}
   * @param nanos its duration
   */
  void ended(CallStatus status, Throwable error, long nanos);

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
