package io.hooknet.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The messages a logger logs from {@link #of} until {@link #close}. */
public final class LogCapture extends Handler implements AutoCloseable {

  private final Logger logger;
  private final Level level;
  private final List<String> messages = new CopyOnWriteArrayList<>();

  private LogCapture(Logger logger, Level level) {
    this.logger = logger;
    this.level = level;
  }

  public static LogCapture of(Logger logger) {
    LogCapture capture = new LogCapture(logger, logger.getLevel());
    logger.addHandler(capture);
    return capture;
  }

  /** Captures from {@code level} up (a node's {@code FINE} lines, say); {@link #close} puts the level back. */
  public static LogCapture of(String logger, Level level) {
    LogCapture capture = of(Logger.getLogger(logger));
    capture.logger.setLevel(level);
    return capture;
  }

  /** Whether {@code message} was logged. */
  public boolean logged(String message) {
    return messages.contains(message);
  }

  /** What was logged so far, in order. */
  public List<String> messages() {
    return List.copyOf(messages);
  }

  @Override
  public void publish(LogRecord record) {
    messages.add(record.getMessage());
  }

  @Override
  public void flush() {
  }

  @Override
  public void close() {
    logger.removeHandler(this);
    logger.setLevel(level);
  }
}
