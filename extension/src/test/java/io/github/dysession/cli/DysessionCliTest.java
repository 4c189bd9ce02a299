package io.github.dysession.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.config.DysessionSettings;
import io.github.dysession.logging.DysessionLogging;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tests the command line without DynamoDB: every command here stops before a client would make a
 * call (usage errors, invalid settings, destroy without --yes). The endpoint points at a closed
 * local port all the same.
 */
class DysessionCliTest {

  private static final String ENDPOINT = "http://127.0.0.1:1";
  private static final String CACHE_PERIOD_ENV = "DYSESSION_CACHE_PERIOD";
  private static final String TABLE_ENV = "DYSESSION_DYNAMODB_TABLENAME";

  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final Map<String, String> env = new HashMap<>();
  private final Properties systemProperties = new Properties();

  @TempDir Path dir;

  @BeforeEach
  void pointAtNothing() {
    systemProperties.setProperty(DysessionSettings.ENDPOINT, ENDPOINT);
    systemProperties.setProperty(DysessionSettings.REGION, "eu-west-1");
  }

  @AfterEach
  void resetLogging() {
    DysessionLogging.reset();
  }

  // ---------------------------------------------------------------- help

  @ParameterizedTest
  @ValueSource(strings = {"--help", "-h", "help"})
  void helpListsTheCommands(String flag) {
    assertThat(run(flag)).isEqualTo(DysessionCli.OK);

    assertThat(out()).contains("Usage:");
    for (String command :
        List.of("init", "destroy", "destory", "status", "--yes", "--exact", "--config")) {
      assertThat(out()).contains(command);
    }
    assertThat(err()).isEmpty();
  }

  @Test
  void helpListsEveryKeyWithItsEnvironmentVariableAndDefault() {
    assertThat(run("--help")).isEqualTo(DysessionCli.OK);

    List<String> lines = Arrays.asList(out().split("\\R"));
    for (Map.Entry<String, String> e : DysessionSettings.DEFAULTS.entrySet()) {
      String key = e.getKey();
      String envName = key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
      String line =
          lines.stream()
              .filter(l -> l.trim().startsWith(key + " "))
              .findFirst()
              .orElseThrow(() -> new AssertionError("help does not list " + key + ":\n" + out()));
      assertThat(line).as(key).contains(" " + envName + " ");
      assertThat(line.trim()).as(key).endsWith(e.getValue().isEmpty() ? "(unset)" : e.getValue());
    }
  }

  @Test
  void helpWinsOverACommand() {
    assertThat(run("destroy", "--help")).isEqualTo(DysessionCli.OK);
    assertThat(out()).contains("Usage:");
  }

  // ---------------------------------------------------------------- usage errors

  @Test
  void noCommandIsAUsageError() {
    assertThat(run()).isEqualTo(DysessionCli.USAGE);
    assertThat(err()).contains("no command").contains("--help");
    assertThat(out()).isEmpty();
  }

  @Test
  void onlyOptionsIsAUsageError() {
    assertThat(run("--yes", "-Ddysession.cache-period=10")).isEqualTo(DysessionCli.USAGE);
    assertThat(err()).contains("no command");
  }

  @Test
  void twoCommandsAreAUsageError() {
    assertThat(run("init", "status")).isEqualTo(DysessionCli.USAGE);
    assertThat(err()).contains("one command").contains("init").contains("status");
    assertThat(out()).isEmpty();
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    assertThat(run("drop")).isEqualTo(DysessionCli.USAGE);
    assertThat(err()).contains("unknown command drop").contains("--help");
    assertThat(out()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"--force", "-x", "-Dno-equals-sign"})
  void anUnknownOptionIsAUsageError(String option) {
    assertThat(run("status", option)).isEqualTo(DysessionCli.USAGE);
    assertThat(err()).contains("unknown option " + option).contains("--help");
    assertThat(out()).isEmpty();
  }

  @Test
  void configWithoutAFileNameIsAUsageError() {
    assertThat(run("status", "--config")).isEqualTo(DysessionCli.USAGE);
    assertThat(err()).contains("--config needs a file name");
  }

  // ---------------------------------------------------------------- destroy needs --yes

  @ParameterizedTest
  @ValueSource(strings = {"destroy", "destory", "DESTROY"})
  void destroyWithoutYesIsRefused(String command) {
    systemProperties.setProperty(DysessionSettings.TABLE_NAME, "precious-sessions");

    assertThat(run(command)).isEqualTo(DysessionCli.USAGE);

    assertThat(err())
        .contains("--yes")
        .contains("'precious-sessions'")
        .contains(ENDPOINT)
        .contains("eu-west-1");
    assertThat(out()).isEmpty();
  }

  @Test
  void destroyWithoutYesNamesTheDefaultTable() {
    assertThat(run("destroy")).isEqualTo(DysessionCli.USAGE);
    assertThat(err())
        .contains("'" + DysessionSettings.DEFAULTS.get(DysessionSettings.TABLE_NAME) + "'");
  }

  // ---------------------------------------------------------------- invalid configuration

  @Test
  void anInvalidArgumentFailsNamingTheKey() {
    assertThat(run("-Ddysession.cache-period=-5", "status")).isEqualTo(DysessionCli.FAILED);
    assertThat(err()).contains(DysessionSettings.CACHE_PERIOD).contains("-5");
    assertThat(out()).isEmpty();
  }

  @Test
  void anInvalidEnvironmentVariableFailsNamingTheKey() {
    env.put(CACHE_PERIOD_ENV, "-5");
    assertThat(run("status")).isEqualTo(DysessionCli.FAILED);
    assertThat(err()).contains(DysessionSettings.CACHE_PERIOD).contains("-5");
  }

  @Test
  void anInvalidSystemPropertyFailsNamingTheKey() {
    systemProperties.setProperty(DysessionSettings.CACHE_PERIOD, "-5");
    assertThat(run("init")).isEqualTo(DysessionCli.FAILED);
    assertThat(err()).contains(DysessionSettings.CACHE_PERIOD);
  }

  @Test
  void anInvalidConfigFileValueFailsNamingTheKey() throws IOException {
    Path file = config("dysession.cache-period=-5\n");
    assertThat(run("--config", file.toString(), "status")).isEqualTo(DysessionCli.FAILED);
    assertThat(err()).contains(DysessionSettings.CACHE_PERIOD);
  }

  @Test
  void everyInvalidValueIsReported() {
    assertThat(
            run(
                "-Ddysession.cache-period=-5",
                "-Ddysession.dynamodb-region=Tokyo",
                "-Ddysession.dynamodb-endpoint=localhost:8000",
                "destroy"))
        .isEqualTo(DysessionCli.FAILED);
    assertThat(err())
        .contains("3 problems")
        .contains(DysessionSettings.CACHE_PERIOD)
        .contains(DysessionSettings.REGION)
        .contains(DysessionSettings.ENDPOINT);
  }

  @Test
  void invalidSettingsAreReportedBeforeDestroyAsksForYes() {
    assertThat(run("-Ddysession.cache-period=-5", "destroy")).isEqualTo(DysessionCli.FAILED);
    assertThat(err()).contains(DysessionSettings.CACHE_PERIOD).doesNotContain("--yes");
  }

  @Test
  void aMissingConfigFileFailsClearly() {
    Path missing = dir.resolve("nowhere.properties");
    assertThat(run("--config", missing.toString(), "status")).isEqualTo(DysessionCli.FAILED);
    assertThat(err())
        .contains("Cannot read the configuration file")
        .contains(missing.toString())
        .contains("no such file");
    assertThat(out()).isEmpty();
  }

  @Test
  void aMissingConfigFileGivenWithEqualsFailsClearly() {
    Path missing = dir.resolve("nowhere.properties");
    assertThat(run("--config=" + missing, "status")).isEqualTo(DysessionCli.FAILED);
    assertThat(err()).contains(missing.toString()).contains("no such file");
  }

  /** A log file that cannot be opened gives exit status 1 and a message, not a stack trace. */
  @Test
  void anUnwritableLogFileFailsWithExitStatusOne() throws IOException {
    Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
    int status =
        run(
            "-Ddysession.logging.type=FILE",
            "-Ddysession.logging.file-path=" + notADirectory.resolve("session.log"),
            "status");
    assertThat(status).isEqualTo(DysessionCli.FAILED);
    assertThat(err()).contains(DysessionSettings.LOGGING_FILE_PATH);
  }

  // ---------------------------------------------------------------- precedence

  @Test
  void precedenceIsArgumentThenSystemPropertyThenEnvironmentThenFile() throws IOException {
    Path file = config("dysession.dynamodb-tablename=file-table\n");
    env.put(TABLE_ENV, "env-table");
    systemProperties.setProperty(DysessionSettings.TABLE_NAME, "sysprop-table");

    assertThat(
            destroyTable("-Ddysession.dynamodb-tablename=arg-table", "--config", file.toString()))
        .isEqualTo("arg-table");
    assertThat(destroyTable("--config", file.toString())).isEqualTo("sysprop-table");
    systemProperties.remove(DysessionSettings.TABLE_NAME);
    assertThat(destroyTable("--config", file.toString())).isEqualTo("env-table");
    env.remove(TABLE_ENV);
    assertThat(destroyTable("--config", file.toString())).isEqualTo("file-table");
    assertThat(destroyTable())
        .isEqualTo(DysessionSettings.DEFAULTS.get(DysessionSettings.TABLE_NAME));
  }

  @Test
  void anArgumentShadowsAnInvalidSystemProperty() {
    systemProperties.setProperty(DysessionSettings.CACHE_PERIOD, "-5");
    assertThat(run("-Ddysession.cache-period=10", "destroy")).isEqualTo(DysessionCli.USAGE);
    assertThat(err()).contains("--yes").doesNotContain(DysessionSettings.CACHE_PERIOD);
  }

  @Test
  void aSystemPropertyShadowsAnInvalidEnvironmentVariable() {
    env.put(CACHE_PERIOD_ENV, "-5");
    systemProperties.setProperty(DysessionSettings.CACHE_PERIOD, "10");
    assertThat(run("destroy")).isEqualTo(DysessionCli.USAGE);
    assertThat(err()).contains("--yes").doesNotContain(DysessionSettings.CACHE_PERIOD);
  }

  @Test
  void anEnvironmentVariableShadowsAnInvalidConfigFileValue() throws IOException {
    Path file = config("dysession.cache-period=-5\n");
    env.put(CACHE_PERIOD_ENV, "10");
    assertThat(run("--config", file.toString(), "destroy")).isEqualTo(DysessionCli.USAGE);
    assertThat(err()).contains("--yes").doesNotContain(DysessionSettings.CACHE_PERIOD);
  }

  @Test
  void anInvalidHigherLayerIsNotRescuedByAValidLowerOne() throws IOException {
    Path file = config("dysession.cache-period=10\n");
    env.put(CACHE_PERIOD_ENV, "10");
    systemProperties.setProperty(DysessionSettings.CACHE_PERIOD, "10");
    assertThat(run("-Ddysession.cache-period=-5", "--config", file.toString(), "destroy"))
        .isEqualTo(DysessionCli.FAILED);
    assertThat(err()).contains(DysessionSettings.CACHE_PERIOD);
  }

  @Test
  void theEnvironmentIsReadUnderEveryMicroProfileName() {
    env.put("dysession.dynamodb-tablename", "exact-table");
    assertThat(destroyTable()).isEqualTo("exact-table");
    env.clear();
    env.put("dysession_dynamodb_tablename", "sanitized-table");
    assertThat(destroyTable()).isEqualTo("sanitized-table");
  }

  @Test
  void theConfigFileIsReadAsProperties() throws IOException {
    Path file =
        config(
            """
            # a microprofile-config.properties
            dysession.dynamodb-tablename = spaced-table
            dysession.cache-period: 120
            """);
    assertThat(destroyTable("--config=" + file)).isEqualTo("spaced-table");
  }

  @Test
  void argumentValuesMayContainEqualsSigns() {
    assertThat(run("-Ddysession.key-prefix=app=1#", "destroy")).isEqualTo(DysessionCli.USAGE);
    assertThat(err()).contains("--yes");
  }

  // ---------------------------------------------------------------- helpers

  private int run(String... args) {
    outBytes.reset();
    errBytes.reset();
    PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
    return new DysessionCli(out, err, env, systemProperties).run(args);
  }

  /** Runs destroy without --yes, which stops before any call, and returns the table it names. */
  private String destroyTable(String... options) {
    List<String> args = new ArrayList<>(List.of(options));
    args.add("destroy");
    assertThat(run(args.toArray(String[]::new))).as(err()).isEqualTo(DysessionCli.USAGE);
    String err = err();
    int start = err.indexOf('\'');
    int end = err.indexOf('\'', start + 1);
    assertThat(start).as(err).isNotNegative();
    return err.substring(start + 1, end);
  }

  private Path config(String content) throws IOException {
    return Files.writeString(
        dir.resolve("dysession-" + System.nanoTime() + ".properties"), content);
  }

  private String out() {
    return outBytes.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }
}
