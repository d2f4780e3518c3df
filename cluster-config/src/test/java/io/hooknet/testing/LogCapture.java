package io.hooknet.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** What a logger logs from {@link #of} until {@link #close}. */
public final class LogCapture extends Handler implements AutoCloseable {

  private final Logger logger;
  private final Level level;
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();

  private LogCapture(Logger logger, Level level) {
    this.logger = logger;
    this.level = level;
  }

  public static LogCapture of(Logger logger) {
    LogCapture capture = new LogCapture(logger, logger.getLevel());
    logger.addHandler(capture);
    return capture;
  }

  public static LogCapture of(String logger) {
    return of(Logger.getLogger(logger));
  }

  /** Captures from {@code level} up (a node's {@code FINE} lines, say); {@link #close} puts the level back. */
  public static LogCapture of(String logger, Level level) {
    LogCapture capture = of(Logger.getLogger(logger));
    capture.logger.setLevel(level);
    return capture;
  }

  /** Whether {@code message} was logged. */
  public boolean logged(String message) {
    return messages().contains(message);
  }

  /** The messages logged so far, in order. */
  public List<String> messages() {
    return records.stream().map(LogRecord::getMessage).toList();
  }

  /** The records logged so far (level, message, what was thrown), in order. */
  public List<LogRecord> records() {
    return List.copyOf(records);
  }

  @Override
  public void publish(LogRecord record) {
    records.add(record);
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
