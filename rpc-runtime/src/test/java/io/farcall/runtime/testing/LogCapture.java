package io.farcall.runtime.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** Records what one class logs, while open. */
public final class LogCapture extends AbstractAppender implements AutoCloseable {
  private final Logger logger;
  private final List<LogEvent> events = new CopyOnWriteArrayList<>();
  private final List<String> appendingThreads = new CopyOnWriteArrayList<>();

  private LogCapture(String loggerName) {
    super("capture-" + loggerName, null, null, true, Property.EMPTY_ARRAY);
    this.logger = (Logger) LogManager.getLogger(loggerName);
  }

  public static LogCapture of(Class<?> source) {
    return of(source.getName());
  }

  /** Records what the logger named {@code loggerName} logs. */
  public static LogCapture of(String loggerName) {
    LogCapture capture = new LogCapture(loggerName);
    capture.start();
    capture.logger.addAppender(capture);
    return capture;
  }

  @Override
  public void append(LogEvent event) {
    appendingThreads.add(Thread.currentThread().getName());
    events.add(event.toImmutable());
  }

  /** The formatted messages logged at {@code level}. */
  public List<String> messages(Level level) {
    return events.stream()
        .filter(event -> event.getLevel() == level)
        .map(event -> event.getMessage().getFormattedMessage())
        .toList();
  }

  /**
   * The threads the events reached the appender on, in order: the logging threads for a synchronous
   * logger, Log4j's background thread for an asynchronous one.
   */
  public List<String> appendingThreads() {
    return List.copyOf(appendingThreads);
  }

  @Override
  public void close() {
    logger.removeAppender(this);
    stop();
  }
}
