package io.github.dysession.logging;

import io.github.dysession.config.DysessionSettings;
import io.github.dysession.config.DysessionSettings.LoggingType;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Sets up the JUL logger {@value #LOGGER_NAME} as django-dysession's {@code LOGGING} setting says:
 * {@code CONSOLE} writes to standard error, with coloured level names when that is a terminal and
 * {@code NO_COLOR} is unset; {@code FILE} appends to the configured file.
 */
public final class DysessionLogging {

  /** The name of the logger every dysession class logs under. */
  public static final String LOGGER_NAME = "io.github.dysession";

  private static final Logger ROOT = Logger.getLogger(LOGGER_NAME);

  private DysessionLogging() {}

  /**
   * Replaces the handler dysession installed before (if any) with one for {@code settings}. Records
   * go only to that handler, not to the server's log as well.
   *
   * @throws IllegalStateException when the log file cannot be opened
   */
  public static synchronized void configure(DysessionSettings settings) {
    configure(settings, System.getenv(), onTerminal(), System.err);
  }

  /**
   * Whether standard error is a terminal. {@code System.console()} is null without one up to JDK
   * 21; from JDK 22 it is never null, and {@code Console.isTerminal()} (JDK 22) tells.
   */
  @SuppressWarnings("SystemConsoleNull") // Null up to JDK 21; isTerminal() from JDK 22 on.
  private static boolean onTerminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException e) {
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  static synchronized void configure(
      DysessionSettings settings, Map<String, String> env, boolean terminal, PrintStream console) {
    // The old handler must release its file (and lock) before a new one opens the same file. It may
    // be another application's: the logger is the JVM's, and one handler serves every application
    // with dysession (else each line would be written once per application).
    removeHandlers(true);
    Handler handler;
    if (settings.logging().type() == LoggingType.FILE) {
      handler = fileHandler(Path.of(settings.logging().filePath()));
      handler.setFormatter(new DysessionFormatter(false));
    } else {
      String noColour = env.get("NO_COLOR");
      boolean colour = terminal && (noColour == null || noColour.isEmpty());
      handler = new ConsoleStreamHandler(console, new DysessionFormatter(colour));
    }
    handler.setLevel(Level.ALL);
    ROOT.addHandler(new OwnedHandler(handler));
    ROOT.setUseParentHandlers(false);
    if (ROOT.getLevel() == null) {
      ROOT.setLevel(Level.INFO);
    }
  }

  /**
   * Removes the handler this copy of dysession installed; when no application's dysession handler
   * is left, records reach the server's log again.
   */
  public static synchronized void reset() {
    removeHandlers(false);
  }

  private static void removeHandlers(boolean everyApplication) {
    boolean othersLeft = false;
    for (Handler h : ROOT.getHandlers()) {
      if (h instanceof OwnedHandler
          || (everyApplication && h.getClass().getName().equals(OwnedHandler.class.getName()))) {
        ROOT.removeHandler(h);
        h.close();
      } else if (h.getClass().getName().equals(OwnedHandler.class.getName())) {
        othersLeft = true;
      }
    }
    ROOT.setUseParentHandlers(!othersLeft);
  }

  private static Handler fileHandler(Path path) {
    try {
      Path parent = path.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      return new FileHandler(path.toString().replace("%", "%%"), true);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "Cannot open the dysession log file '"
              + path
              + "' ("
              + DysessionSettings.LOGGING_FILE_PATH
              + "): "
              + e.getMessage()
              + "; choose a writable path or set "
              + DysessionSettings.LOGGING_TYPE
              + "=CONSOLE",
          e);
    }
  }

  /** A stream handler that flushes every record, like {@link ConsoleHandler}, on any stream. */
  private static final class ConsoleStreamHandler extends StreamHandler {
    ConsoleStreamHandler(PrintStream stream, DysessionFormatter formatter) {
      super(stream, formatter);
    }

    @Override
    public synchronized void publish(java.util.logging.LogRecord record) {
      super.publish(record);
      flush();
    }

    @Override
    public synchronized void close() {
      // The console stays open for others.
      flush();
    }
  }

  /** Marks the handler dysession installed, so a redeployment replaces it instead of adding one. */
  private static final class OwnedHandler extends Handler {
    private final Handler delegate;

    OwnedHandler(Handler delegate) {
      this.delegate = delegate;
      setLevel(Level.ALL);
    }

    @Override
    public void publish(java.util.logging.LogRecord record) {
      delegate.publish(record);
    }

    @Override
    public void flush() {
      delegate.flush();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
