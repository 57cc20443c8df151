package io.farcall.runtime.internal.access;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Where the access log's lines go. As a library: the Log4j logger {@value AccessLog#LOGGER} of the
 * runtime's Log4j API, which is the application's. The agent, whose Log4j API is a relocated copy
 * of its own, gives one that reaches the application's logging instead (see {@code
 * io.farcall.runtime.internal.AgentLink}).
 */
public interface AccessSink {
  /** Whether a line would be logged now; when not, the line is not even made. */
  boolean enabled();

  /** Logs one line at INFO. */
  void log(String line);

  /** The logger {@value AccessLog#LOGGER} of this class's Log4j API. */
  static AccessSink log4j() {
    Logger log = LogManager.getLogger(AccessLog.LOGGER);
    return new AccessSink() {
      @Override
      public boolean enabled() {
        return log.isInfoEnabled();
      }

      @Override
      public void log(String line) {
        log.info(line);
      }
    };
  }
}
