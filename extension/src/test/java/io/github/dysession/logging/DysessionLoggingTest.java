package io.github.dysession.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dysession.config.DysessionSettings;
import io.github.dysession.config.SettingsSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DysessionLoggingTest {

  private static final String ESC = "\u001b[";
  private static final String RESET = "\u001b[0m";

  /** time, level, [short logger name], message. */
  private static final String LINE =
      "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} %s \\[DysessionLoggingTest\\] %s";

  /** A logger below dysession's, as every dysession class has. */
  private final Logger logger = Logger.getLogger(DysessionLoggingTest.class.getName());

  private final Logger dysessionRoot = Logger.getLogger(DysessionLogging.LOGGER_NAME);

  /** The parent of dysession's logger, standing in for the server's log. */
  private final Logger parent = Logger.getLogger("io.github");

  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final PrintStream stream = new PrintStream(console, true, StandardCharsets.UTF_8);
  private final List<LogRecord> parentRecords = new ArrayList<>();
  private final Handler parentHandler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          parentRecords.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private Level savedRootLevel;

  @BeforeEach
  void capture() {
    savedRootLevel = dysessionRoot.getLevel();
    parent.addHandler(parentHandler);
  }

  @AfterEach
  void restore() {
    DysessionLogging.reset();
    parent.removeHandler(parentHandler);
    logger.setLevel(null);
    dysessionRoot.setLevel(savedRootLevel);
  }

  // ---------------------------------------------------------------- console

  @Test
  void consoleWritesOneFormattedLinePerRecord() {
    DysessionLogging.configure(console(), Map.of(), false, stream);

    logger.log(Level.INFO, "hello {0}", "world");

    assertThat(lines())
        .singleElement()
        .asString()
        .matches(String.format(LINE, "INFO", "hello world"));
    assertThat(text()).endsWith(System.lineSeparator());
  }

  @Test
  void consoleColoursLevelNamesOnATerminal() {
    logger.setLevel(Level.ALL);
    DysessionLogging.configure(console(), Map.of(), true, stream);

    logger.severe("bad");
    logger.warning("careful");
    logger.info("fine");
    logger.fine("detail");

    assertThat(withoutTime(lines()))
        .containsExactly(
            line(ESC + "1;31mERROR" + RESET, "bad"),
            line(ESC + "33mWARNING" + RESET, "careful"),
            line(ESC + "32mINFO" + RESET, "fine"),
            line(ESC + "36mDEBUG" + RESET, "detail"));
  }

  @Test
  void consoleHasNoColourWhenNoColorIsSet() {
    logger.setLevel(Level.ALL);
    DysessionLogging.configure(console(), Map.of("NO_COLOR", "1"), true, stream);

    logger.severe("bad");
    logger.warning("careful");
    logger.info("fine");
    logger.fine("detail");

    assertThat(text()).doesNotContain("\u001b");
    assertThat(lines()).hasSize(4);
    assertThat(lines().get(0)).matches(String.format(LINE, "ERROR", "bad"));
  }

  @Test
  void consoleHasNoColourWhenNotATerminal() {
    DysessionLogging.configure(console(), Map.of(), false, stream);

    logger.severe("bad");
    logger.warning("careful");

    assertThat(text()).doesNotContain("\u001b");
    assertThat(lines()).hasSize(2);
  }

  @Test
  void recordsGoOnlyToDysessionsHandlerWhileConfigured() {
    DysessionLogging.configure(console(), Map.of(), false, stream);

    logger.info("mine");

    assertThat(lines()).hasSize(1);
    assertThat(parentRecords).isEmpty();
    assertThat(dysessionRoot.getUseParentHandlers()).isFalse();
  }

  @Test
  void debugRecordsAreDroppedAtTheDefaultLevel() {
    dysessionRoot.setLevel(null);
    DysessionLogging.configure(console(), Map.of(), false, stream);

    logger.fine("detail");
    logger.info("info");

    assertThat(dysessionRoot.getLevel()).isEqualTo(Level.INFO);
    assertThat(lines()).singleElement().asString().contains("info");
  }

  @Test
  void aLevelSetByTheServerIsKept() {
    dysessionRoot.setLevel(Level.FINE);
    DysessionLogging.configure(console(), Map.of(), false, stream);

    logger.fine("detail");

    assertThat(dysessionRoot.getLevel()).isEqualTo(Level.FINE);
    assertThat(lines()).singleElement().asString().matches(String.format(LINE, "DEBUG", "detail"));
  }

  // ---------------------------------------------------------------- file

  @Test
  void fileWritesToTheConfiguredPathCreatingDirectories(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("logs/dysession/session.log");
    DysessionLogging.configure(file(file), Map.of(), true, stream);

    logger.warning("to the file");
    DysessionLogging.reset();

    List<String> written = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(written)
        .singleElement()
        .asString()
        .matches(String.format(LINE, "WARNING", "to the file"));
    assertThat(console.size()).as("nothing on the console").isZero();
    assertThat(parentRecords).isEmpty();
  }

  @Test
  void fileIsNeverColoured(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("session.log");
    DysessionLogging.configure(file(file), Map.of(), true, stream);

    logger.severe("plain");
    DysessionLogging.reset();

    assertThat(Files.readString(file, StandardCharsets.UTF_8))
        .doesNotContain("\u001b")
        .contains("ERROR");
  }

  /**
   * The old handler must release the file lock before the new one opens the file, or
   * java.util.logging silently moves to {@code session.log.1} after a redeployment.
   */
  @Test
  void fileIsAppendedToAcrossConfigurations(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("session.log");
    DysessionLogging.configure(file(file), Map.of(), false, stream);
    logger.info("first");
    DysessionLogging.configure(file(file), Map.of(), false, stream);
    logger.info("second");
    DysessionLogging.reset();

    List<String> written = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(written).hasSize(2);
    assertThat(written.get(0)).endsWith("first");
    assertThat(written.get(1)).endsWith("second");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("session.log");
    }
  }

  @Test
  void filePathIsTakenLiterallyNotAsAFileHandlerPattern(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("app-%u-%g-%t.log");
    DysessionLogging.configure(file(file), Map.of(), false, stream);

    logger.info("literal");
    DysessionLogging.reset();

    assertThat(file).exists();
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).contains("literal");
  }

  @Test
  void anUnwritableFileFailsNamingTheKeyAndLosesNoRecords(@TempDir Path dir) throws IOException {
    DysessionLogging.configure(console(), Map.of(), false, stream);
    Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");

    assertThatThrownBy(
            () ->
                DysessionLogging.configure(
                    file(notADirectory.resolve("session.log")), Map.of(), false, stream))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(DysessionSettings.LOGGING_FILE_PATH)
        .hasMessageContaining(DysessionSettings.LOGGING_TYPE + "=CONSOLE");

    // Whether the previous handler stays or the server's log takes over, the record is not lost.
    logger.info("still here");
    assertThat(lines().size() + parentRecords.size()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- reconfigure and reset

  @Test
  void reconfiguringReplacesTheHandler() {
    DysessionLogging.configure(console(), Map.of(), false, stream);
    DysessionLogging.configure(console(), Map.of(), false, stream);

    logger.info("once");

    assertThat(lines()).singleElement().asString().endsWith("once");
    assertThat(dysessionRoot.getHandlers()).hasSize(1);
  }

  @Test
  void reconfiguringMovesOutputToTheNewStream() {
    ByteArrayOutputStream other = new ByteArrayOutputStream();
    DysessionLogging.configure(console(), Map.of(), false, stream);
    DysessionLogging.configure(
        console(), Map.of(), false, new PrintStream(other, true, StandardCharsets.UTF_8));

    logger.info("moved");

    assertThat(console.size()).isZero();
    assertThat(other.toString(StandardCharsets.UTF_8)).contains("moved");
  }

  @Test
  void resetRestoresTheParentHandlers() {
    DysessionLogging.configure(console(), Map.of(), false, stream);
    logger.info("dysession's");

    DysessionLogging.reset();
    logger.info("server's");

    assertThat(lines()).singleElement().asString().endsWith("dysession's");
    assertThat(parentRecords).extracting(LogRecord::getMessage).containsExactly("server's");
    assertThat(dysessionRoot.getUseParentHandlers()).isTrue();
    assertThat(dysessionRoot.getHandlers()).isEmpty();
  }

  @Test
  void resetKeepsHandlersThatDysessionDidNotInstall() {
    Handler foreign =
        new Handler() {
          @Override
          public void publish(LogRecord record) {}

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    dysessionRoot.addHandler(foreign);
    try {
      DysessionLogging.configure(console(), Map.of(), false, stream);
      DysessionLogging.reset();
      assertThat(dysessionRoot.getHandlers()).containsExactly(foreign);
    } finally {
      dysessionRoot.removeHandler(foreign);
    }
  }

  @Test
  void resetWithoutConfigureIsHarmless() {
    DysessionLogging.reset();
    DysessionLogging.reset();
    assertThat(dysessionRoot.getUseParentHandlers()).isTrue();
  }

  @Test
  void resetDoesNotCloseTheConsoleStream() {
    DysessionLogging.configure(console(), Map.of(), false, stream);
    DysessionLogging.reset();

    stream.print("open");
    assertThat(stream.checkError()).isFalse();
    assertThat(text()).isEqualTo("open");
  }

  // ---------------------------------------------------------------- formatter

  @Test
  void levelNamesFollowDjangoDysession() {
    assertThat(DysessionFormatter.levelName(Level.SEVERE)).isEqualTo("ERROR");
    assertThat(DysessionFormatter.levelName(Level.WARNING)).isEqualTo("WARNING");
    assertThat(DysessionFormatter.levelName(Level.INFO)).isEqualTo("INFO");
    assertThat(DysessionFormatter.levelName(Level.CONFIG)).isEqualTo("DEBUG");
    assertThat(DysessionFormatter.levelName(Level.FINE)).isEqualTo("DEBUG");
    assertThat(DysessionFormatter.levelName(Level.FINER)).isEqualTo("DEBUG");
    assertThat(DysessionFormatter.levelName(Level.FINEST)).isEqualTo("DEBUG");
    assertThat(DysessionFormatter.levelName(Level.parse("1100"))).isEqualTo("ERROR");
  }

  @Test
  void formatterPrintsTheStackTrace() {
    IllegalStateException thrown =
        new IllegalStateException(
            "kaput", new java.io.UncheckedIOException(new IOException("disk")));
    LogRecord record = new LogRecord(Level.SEVERE, "it broke");
    record.setLoggerName(DysessionLoggingTest.class.getName());
    record.setThrown(thrown);

    String text = new DysessionFormatter(false).format(record);

    String[] lines = text.split("\\R");
    assertThat(lines[0]).matches(String.format(LINE, "ERROR", "it broke"));
    assertThat(lines[1]).isEqualTo("java.lang.IllegalStateException: kaput");
    assertThat(text)
        .contains(
            "\tat " + DysessionLoggingTest.class.getName() + ".formatterPrintsTheStackTrace(");
    assertThat(text).contains("Caused by: java.io.UncheckedIOException: java.io.IOException: disk");
  }

  @Test
  void loggedExceptionsReachTheConsoleWithTheirStackTrace() {
    DysessionLogging.configure(console(), Map.of(), false, stream);

    logger.log(Level.WARNING, "call failed", new RuntimeException("throttled"));

    assertThat(lines().get(0)).matches(String.format(LINE, "WARNING", "call failed"));
    assertThat(lines().get(1)).isEqualTo("java.lang.RuntimeException: throttled");
    assertThat(lines()).anySatisfy(l -> assertThat(l).startsWith("\tat "));
  }

  @Test
  void formatterNamesAnAnonymousLoggerDysession() {
    LogRecord record = new LogRecord(Level.INFO, "no logger");
    record.setLoggerName(null);

    assertThat(new DysessionFormatter(false).format(record))
        .contains(" INFO [dysession] no logger");
  }

  @Test
  void formatterFillsInParameters() {
    LogRecord record = new LogRecord(Level.INFO, "table {0} in {1}");
    record.setLoggerName("x.Y");
    record.setParameters(new Object[] {"sessions", "eu-west-1"});

    assertThat(new DysessionFormatter(false).format(record))
        .contains(" INFO [Y] table sessions in eu-west-1");
  }

  // ---------------------------------------------------------------- helpers

  private static DysessionSettings console() {
    return DysessionSettings.from(
        SettingsSource.of(Map.of(DysessionSettings.LOGGING_TYPE, "CONSOLE")));
  }

  private static DysessionSettings file(Path path) {
    return DysessionSettings.from(
        SettingsSource.of(
            Map.of(
                DysessionSettings.LOGGING_TYPE,
                "FILE",
                DysessionSettings.LOGGING_FILE_PATH,
                path.toString())));
  }

  private String text() {
    stream.flush();
    return console.toString(StandardCharsets.UTF_8);
  }

  private List<String> lines() {
    String text = text();
    return text.isEmpty() ? List.of() : Arrays.asList(text.split("\\R"));
  }

  private static String line(String level, String message) {
    return level + " [DysessionLoggingTest] " + message;
  }

  /** Checks and strips the leading "yyyy-MM-dd HH:mm:ss.SSS " of every line. */
  private static List<String> withoutTime(List<String> lines) {
    List<String> result = new ArrayList<>();
    for (String l : lines) {
      assertThat(l).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} .*");
      result.add(l.substring("yyyy-MM-dd HH:mm:ss.SSS ".length()));
    }
    return result;
  }
}
