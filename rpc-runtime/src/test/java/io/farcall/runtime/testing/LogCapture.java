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

  private LogCapture(Class<?> source) {
    super("capture-" + source.getSimpleName(), null, null, true, Property.EMPTY_ARRAY);
    this.logger = (Logger) LogManager.getLogger(source);
  }

  public static LogCapture of(Class<?> source) {
    LogCapture capture = new LogCapture(source);
    capture.start();
    capture.logger.addAppender(capture);
    return capture;
  }

  @Override
  public void append(LogEvent event) {
    events.add(event.toImmutable());
  }

  /** The formatted messages logged at {@code level}. */
  public List<String> messages(Level level) {
    return events.stream()
        .filter(event -> event.getLevel() == level)
        .map(event -> event.getMessage().getFormattedMessage())
        .toList();
  }

  @Override
  public void close() {
    logger.removeAppender(this);
    stop();
  }
}
