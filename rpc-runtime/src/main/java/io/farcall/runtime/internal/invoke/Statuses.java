package io.farcall.runtime.internal.invoke;

import io.farcall.DeadlineExceededException;
import io.farcall.InvalidCallException;
import io.farcall.ProviderUnavailableException;
import io.farcall.RpcException;
import io.farcall.runtime.internal.codec.proto.Status;

/** Turns a reply's non-OK, non-application status into the exception a caller sees. */
final class Statuses {
  /** The metadata of a {@code STATUS_PERMISSION_DENIED} reply that names the caller refused. */
  static final String IDENTITY_KEY = "farcall-identity";

  private Statuses() {}

  static RpcException toException(Status status, String message, String where) {
    String text = message.isEmpty() ? status.name() : message;
    return switch (status) {
      case STATUS_DEADLINE_EXCEEDED ->
          new DeadlineExceededException(text + " (reported by " + where + ")");
      case STATUS_RESOURCE_EXHAUSTED ->
          new ProviderUnavailableException(
              ProviderUnavailableException.Reason.OVERLOADED, text + " (" + where + ")");
      case STATUS_UNAVAILABLE ->
          new ProviderUnavailableException(
              ProviderUnavailableException.Reason.SHUTTING_DOWN, text + " (" + where + ")");
      case STATUS_NOT_FOUND, STATUS_INVALID_ARGUMENT ->
          new InvalidCallException(text + " (" + where + ")");
      default -> new RpcException(status.name() + ": " + text + " (" + where + ")");
    };
  }
}
