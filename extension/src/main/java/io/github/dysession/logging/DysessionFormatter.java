package io.github.dysession.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * Formats one record per line: time, level, logger and message, with the level name in colour when
 * asked (red errors, yellow warnings, green information, cyan details).
 */
public final class DysessionFormatter extends Formatter {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
  private static final String RESET = "\u001b[0m";

  private final boolean colour;

  /** Creates a formatter that colours level names when {@code colour} is true. */
  public DysessionFormatter(boolean colour) {
    this.colour = colour;
  }

  @Override
  public String format(LogRecord record) {
    StringBuilder sb = new StringBuilder(160);
    sb.append(TIME.format(record.getInstant())).append(' ');
    String level = levelName(record.getLevel());
    if (colour) {
      sb.append(colourOf(record.getLevel())).append(level).append(RESET);
    } else {
      sb.append(level);
    }
    sb.append(' ').append('[').append(shortLogger(record.getLoggerName())).append("] ");
    sb.append(formatMessage(record)).append(System.lineSeparator());
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      record.getThrown().printStackTrace(new PrintWriter(trace));
      sb.append(trace);
    }
    return sb.toString();
  }

  /** Returns the seed's level names: ERROR for SEVERE, DEBUG for FINE and below. */
  static String levelName(Level level) {
    int v = level.intValue();
    if (v >= Level.SEVERE.intValue()) {
      return "ERROR";
    }
    if (v >= Level.WARNING.intValue()) {
      return "WARNING";
    }
    if (v >= Level.INFO.intValue()) {
      return "INFO";
    }
    return "DEBUG";
  }

  private static String colourOf(Level level) {
    int v = level.intValue();
    if (v >= Level.SEVERE.intValue()) {
      return "\u001b[1;31m";
    }
    if (v >= Level.WARNING.intValue()) {
      return "\u001b[33m";
    }
    if (v >= Level.INFO.intValue()) {
      return "\u001b[32m";
    }
    return "\u001b[36m";
  }

  private static String shortLogger(String name) {
    if (name == null) {
      return "dysession";
    }
    int dot = name.lastIndexOf('.');
    return dot < 0 ? name : name.substring(dot + 1);
  }
}
