package io.github.dysession.it.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.dysession.config.DysessionSettings;
import io.github.dysession.config.SettingsSource;
import io.github.dysession.it.support.Dynalite;
import io.github.dysession.it.support.DynaliteExtension;
import io.github.dysession.it.support.DynamoDbClients;
import io.github.dysession.store.SessionData;
import io.github.dysession.store.SessionIds;
import io.github.dysession.store.SessionLogin;
import io.github.dysession.store.dynamodb.DynamoDbSessionStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * Runs the real CLI jar ({@code java -jar}, path from system property {@value #CLI_JAR_PROPERTY})
 * as a separate process against the shared dynalite, the way an operator would. Every process gets
 * {@value #PROCESS_TIMEOUT_SECONDS} s; its stdout and stderr are kept in {@code target/cli-it/}.
 */
@ExtendWith(DynaliteExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CliIT {

  static final String CLI_JAR_PROPERTY = "dysession.it.cliJar";
  static final long PROCESS_TIMEOUT_SECONDS = 60;

  private static final AtomicInteger RUNS = new AtomicInteger();

  private static Path cliJar;
  private static Path workDir;
  private static Dynalite dynalite;

  private String testName;

  @BeforeAll
  static void locateJar(Dynalite shared) throws IOException {
    dynalite = shared;
    String property = System.getProperty(CLI_JAR_PROPERTY);
    assertThat(property)
        .as("system property " + CLI_JAR_PROPERTY + " (set by failsafe)")
        .isNotBlank();
    cliJar = Path.of(property).toAbsolutePath().normalize();
    assertThat(cliJar)
        .as("the CLI jar; build it with: mvn install -pl extension -DskipTests")
        .isRegularFile();
    workDir = Dynalite.baseDir().resolve("target").resolve("cli-it");
    Files.createDirectories(workDir);
    try (var old = Files.list(workDir)) {
      for (Path file : old.toList()) {
        Files.deleteIfExists(file); // outputs of an earlier run
      }
    }
  }

  @BeforeEach
  void name(TestInfo info) {
    testName = info.getTestMethod().map(m -> m.getName()).orElse("test");
  }

  // ---- init / status / destroy
  // ----------------------------------------------------------------------

  @Test
  void initStatusDestroy_lifecycle() {
    String table = "cli_test";
    List<String> props = dynaliteProperties(table);

    Result init = run(Map.of(), props, "init");
    init.assertExit(0);
    assertThat(init.stdout()).contains("Table 'cli_test' is ready");
    List<String> warnings = init.linesContaining("WARNING");
    assertThat(warnings).as("WARNING lines of init\n%s", init).hasSize(1);
    assertThat(warnings.get(0)).contains("TTL").containsIgnoringCase("not support");
    assertThat(init.all()).as("init output").doesNotContain("Exception");
    TableDescription created = describe(table);
    assertThat(keyNames(created)).containsExactly("PK", "SK");
    assertThat(created.globalSecondaryIndexes())
        .extracting(i -> i.indexName() + " " + i.indexStatusAsString())
        .containsExactlyInAnyOrder("dysession-user ACTIVE", "dysession-expiry ACTIVE");

    Result again = run(Map.of(), props, "init");
    again.assertExit(0);
    assertThat(again.all()).contains("exists already").contains("Table 'cli_test' is ready");

    try (DynamoDbClient client = DynamoDbClients.forEndpoint(dynalite.endpoint())) {
      for (int i = 0; i < 3; i++) {
        String pk = "cli#" + i;
        client.putItem(
            b ->
                b.tableName(table)
                    .item(
                        Map.of(
                            "PK",
                            AttributeValue.fromS(pk),
                            "SK",
                            AttributeValue.fromS("SESSION"))));
      }
      // One more whose TTL has passed: expired, not yet deleted.
      client.putItem(
          b ->
              b.tableName(table)
                  .item(
                      Map.of(
                          "PK", AttributeValue.fromS("cli#expired"),
                          "SK", AttributeValue.fromS("SESSION"),
                          "ttl", AttributeValue.fromN("1000"))));
    }
    Result status = run(Map.of(), props, "status", "--exact");
    status.assertExit(0);
    assertThat(status.stdout())
        .contains("Table:      cli_test (ACTIVE)")
        .contains("Keys:       PK (HASH, S), SK (RANGE, S)")
        .contains(
            "Items:      4 (counted now: 3 live or never expiring, 1 expired but not yet deleted)");

    Result unconfirmed = run(Map.of(), props, "destroy");
    unconfirmed.assertExit(2);
    assertThat(unconfirmed.stderr()).contains("cli_test").contains("--yes");
    assertThat(tableExists(table)).as("table after destroy without --yes").isTrue();

    Result destroyed = run(Map.of(), props, "destory", "--yes");
    destroyed.assertExit(0);
    assertThat(destroyed.stdout()).contains("Deleted table 'cli_test'");
    assertThat(tableExists(table)).as("table after destory --yes").isFalse();

    Result missing = run(Map.of(), props, "status");
    missing.assertExit(1);
    assertThat(missing.stderr()).contains("'cli_test'").contains("does not exist");
    assertThat(missing.all()).doesNotContain("\tat ");
  }

  /**
   * A table made before the index of logged-in sessions: status says it lacks the index, init asks
   * the endpoint to add it and keeps every session. DynamoDB answers with the index CREATING and
   * init waits until it is ACTIVE; dynalite (4.0) accepts the request and ignores it, so here init
   * must say so in one line, after having enabled what it could, instead of waiting for an index
   * that never comes.
   */
  @Test
  void init_onATableMadeBeforeTheIndex_asksForItAndKeepsTheSessions() {
    String table = "cli_old_table";
    List<String> props = dynaliteProperties(table);
    try (DynamoDbClient client = DynamoDbClients.forEndpoint(dynalite.endpoint())) {
      client.createTable(
          CreateTableRequest.builder()
              .tableName(table)
              .billingMode(BillingMode.PAY_PER_REQUEST)
              .attributeDefinitions(
                  AttributeDefinition.builder()
                      .attributeName("PK")
                      .attributeType(ScalarAttributeType.S)
                      .build(),
                  AttributeDefinition.builder()
                      .attributeName("SK")
                      .attributeType(ScalarAttributeType.S)
                      .build())
              .keySchema(
                  KeySchemaElement.builder().attributeName("PK").keyType(KeyType.HASH).build(),
                  KeySchemaElement.builder().attributeName("SK").keyType(KeyType.RANGE).build())
              .build());
      client.putItem(
          b ->
              b.tableName(table)
                  .item(
                      Map.of(
                          "PK", AttributeValue.fromS("old#1"),
                          "SK", AttributeValue.fromS("SESSION"),
                          "ds_user", AttributeValue.fromS("alice"))));
    }
    Result before = run(Map.of(), props, "status");
    before.assertExit(0);
    assertThat(before.stdout()).contains("Indexes:    none (init adds dysession-user");

    Result init = run(Map.of(), props, "init");
    assertThat(init.all()).as("init output").doesNotContain("\tat ");
    if (init.exit() == 0) {
      // An endpoint that adds indexes (DynamoDB does): the index must now be there and ACTIVE.
      assertThat(init.all()).contains("added and ACTIVE");
      assertThat(describe(table).globalSecondaryIndexes())
          .extracting(i -> i.indexName() + " " + i.indexStatusAsString())
          .containsExactlyInAnyOrder("dysession-user ACTIVE", "dysession-expiry ACTIVE");
    } else {
      init.assertExit(1);
      assertThat(init.stderr())
          .contains("init failed for table 'cli_old_table'")
          .contains("does not list the index")
          .contains("destroy and init");
      assertThat(init.all()).as("TTL step ran before the index step").contains("TTL");
    }
    try (DynamoDbClient client = DynamoDbClients.forEndpoint(dynalite.endpoint())) {
      assertThat(
              client
                  .getItem(
                      b ->
                          b.tableName(table)
                              .key(
                                  Map.of(
                                      "PK", AttributeValue.fromS("old#1"),
                                      "SK", AttributeValue.fromS("SESSION"))))
                  .item())
          .as("the session of the old table after init")
          .containsEntry("ds_user", AttributeValue.fromS("alice"));
      client.deleteTable(b -> b.tableName(table));
    }
  }

  /**
   * {@code sessions --user} lists a user's live sessions under the configured key prefix by handle,
   * never by id; {@code logout --user --yes} ends them all at once, and without {@code --yes} asks
   * first and changes nothing.
   */
  @Test
  void sessionsAndLogout_ofOneUser() {
    String table = "cli_users";
    List<String> props = new ArrayList<>(dynaliteProperties(table));
    props.add("-D" + DysessionSettings.KEY_PREFIX + "=app1#");
    run(Map.of(), props, "init").assertExit(0);
    DysessionSettings settings =
        DysessionSettings.from(
            SettingsSource.of(
                Map.of(
                    DysessionSettings.TABLE_NAME,
                    table,
                    DysessionSettings.ENDPOINT,
                    "http://127.0.0.1:" + dynalite.port(),
                    DysessionSettings.KEY_PREFIX,
                    "app1#")));
    DysessionSettings otherApp =
        DysessionSettings.from(
            SettingsSource.of(
                Map.of(
                    DysessionSettings.TABLE_NAME,
                    table,
                    DysessionSettings.ENDPOINT,
                    "http://127.0.0.1:" + dynalite.port(),
                    DysessionSettings.KEY_PREFIX,
                    "app2#")));
    List<String> ids = new ArrayList<>();
    try (DynamoDbClient client = DynamoDbClients.forEndpoint(dynalite.endpoint())) {
      DynamoDbSessionStore store = new DynamoDbSessionStore(client, settings.dynamoDb());
      DynamoDbSessionStore other = new DynamoDbSessionStore(client, otherApp.dynamoDb());
      Instant now = Instant.now();
      for (String agent : List.of("Firefox/1", "Safari/2")) {
        String id = SessionIds.generate();
        ids.add(id);
        store.create(
            SessionData.newSession(id, now, Duration.ofMinutes(30))
                .withLogin(
                    new SessionLogin("erin", Set.of("user"), "server:form", now)
                        .withClient(agent + " from 127.0.0.1")));
      }
      String otherId = SessionIds.generate();
      other.create(
          SessionData.newSession(otherId, now, Duration.ofMinutes(30))
              .withLogin(new SessionLogin("erin", Set.of("user"), "server:form", now)));

      Result listed = run(Map.of(), props, "sessions", "--user", "erin");
      listed.assertExit(0);
      assertThat(listed.stdout())
          .contains("HANDLE")
          .contains("Firefox/1 from 127.0.0.1")
          .contains("Safari/2 from 127.0.0.1")
          .contains(SessionIds.handle(ids.get(0)))
          .contains(SessionIds.handle(ids.get(1)))
          .contains("2 sessions of user 'erin'")
          .doesNotContain(SessionIds.handle(otherId));
      assertThat(listed.all()).doesNotContain(ids.get(0)).doesNotContain(ids.get(1));

      Result asked = run(Map.of(), props, "logout", "--user", "erin");
      asked.assertExit(2);
      assertThat(asked.stderr()).contains("--yes").contains("erin");
      assertThat(store.loggedIn("erin")).hasSize(2);

      Result ended = run(Map.of(), props, "logout", "--user=erin", "--yes");
      ended.assertExit(0);
      assertThat(ended.stdout()).contains("Ended 2 sessions of user 'erin'");
      assertThat(store.load(ids.get(0))).isEmpty();
      assertThat(store.load(ids.get(1))).isEmpty();
      assertThat(other.loggedIn("erin")).as("the other application's session").hasSize(1);
      assertThat(run(Map.of(), props, "sessions", "--user", "erin").stdout())
          .contains("0 sessions of user 'erin'");

      Result noUser = run(Map.of(), props, "sessions");
      noUser.assertExit(2);
      assertThat(noUser.stderr()).contains("--user");
      client.deleteTable(b -> b.tableName(table));
    }
  }

  // ---- help and usage
  // -------------------------------------------------------------------------------

  @Test
  void help_listsTheCommandsAndEveryKeyWithItsEnvironmentVariable() {
    Result help = run(Map.of(), List.of(), "--help");

    help.assertExit(0);
    assertThat(help.stdout())
        .contains("init")
        .contains("destroy")
        .contains("destory")
        .contains("status")
        .contains("--yes")
        .contains("--exact")
        .contains("sessions --user NAME")
        .contains("logout --user NAME --yes")
        .contains("--config");
    List<String> lines = help.stdout().lines().toList();
    for (Map.Entry<String, String> e : DysessionSettings.DEFAULTS.entrySet()) {
      String env = e.getKey().replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
      String expectedDefault = e.getValue().isEmpty() ? "(unset)" : e.getValue();
      assertThat(lines)
          .as("help line of %s", e.getKey())
          .anySatisfy(
              line -> {
                List<String> words = Arrays.asList(line.trim().split("\\s+"));
                assertThat(words).containsSubsequence(e.getKey(), env, expectedDefault);
              });
    }
  }

  @Test
  void usage_unknownCommandOrNone_exitsTwo() {
    Result unknown = run(Map.of(), List.of(), "frobnicate");
    unknown.assertExit(2);
    assertThat(unknown.stderr()).contains("frobnicate").contains("--help");

    Result none = run(Map.of(), List.of());
    none.assertExit(2);
    assertThat(none.stderr()).contains("--help");
  }

  // ---- configuration sources
  // ------------------------------------------------------------------------

  @Test
  void configFile_choosesTheTableAndThePartitionKey() throws IOException {
    String table = "cli_config_" + shortId();
    Path file = workDir.resolve("cli-" + table + ".properties");
    Files.writeString(
        file,
        """
        # as in microprofile-config.properties
        dysession.dynamodb-tablename=%s
        dysession.partition-key-name=id
        """
            .formatted(table),
        StandardCharsets.UTF_8);
    List<String> props = dynaliteProperties(null);

    Result init = run(Map.of(), props, "--config", file.toString(), "init");
    init.assertExit(0);
    assertThat(init.stdout()).contains("Table '" + table + "' is ready");
    assertThat(keyNames(describe(table))).containsExactly("id", "SK");

    Result status = run(Map.of(), props, "--config=" + file, "status");
    status.assertExit(0);
    assertThat(status.stdout()).contains("Keys:       id (HASH, S), SK (RANGE, S)");

    Result destroyed = run(Map.of(), props, "-c", file.toString(), "destroy", "--yes");
    destroyed.assertExit(0);
    assertThat(tableExists(table)).isFalse();
  }

  @Test
  void configFile_whenMissing_exitsOneNamingTheFile() {
    Path file = workDir.resolve("no-such-" + shortId() + ".properties");

    Result result = run(Map.of(), dynaliteProperties(null), "--config", file.toString(), "status");

    result.assertExit(1);
    assertThat(result.stderr()).contains(file.getFileName().toString());
  }

  @Test
  void environmentVariable_choosesTheTable() {
    String table = "cli_env_" + shortId();
    Map<String, String> env = Map.of("DYSESSION_DYNAMODB_TABLENAME", table);
    List<String> props = dynaliteProperties(null);

    Result init = run(env, props, "init");
    init.assertExit(0);
    assertThat(init.stdout()).contains("Table '" + table + "' is ready");
    assertThat(tableExists(table)).isTrue();

    // A system property wins over the environment variable.
    List<String> overridden = new ArrayList<>(props);
    overridden.add("-D" + DysessionSettings.TABLE_NAME + "=cli_env_other");
    Result status = run(env, overridden, "status");
    status.assertExit(1);
    assertThat(status.stderr()).contains("'cli_env_other'");

    run(env, props, "destroy", "--yes").assertExit(0);
    assertThat(tableExists(table)).isFalse();
  }

  @Test
  void invalidValue_exitsOneNamingTheKey() {
    List<String> props = new ArrayList<>(dynaliteProperties("cli_invalid"));
    props.add("-D" + DysessionSettings.CACHE_PERIOD + "=-5");

    Result result = run(Map.of(), props, "status");

    result.assertExit(1);
    assertThat(result.stderr()).contains("dysession.cache-period").contains("-5");
    assertThat(result.all()).doesNotContain("\tat ");
    assertThat(tableExists("cli_invalid")).isFalse();
  }

  @Test
  void unreachableEndpoint_exitsOneNamingTheTable() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    List<String> props =
        List.of(
            "-D" + DysessionSettings.ENDPOINT + "=http://127.0.0.1:" + port,
            "-D" + DysessionSettings.TABLE_NAME + "=cli_unreachable",
            "-D" + DysessionSettings.MAX_RETRIES + "=0",
            "-D" + DysessionSettings.API_CALL_TIMEOUT + "=2000",
            "-Daws.accessKeyId=x",
            "-Daws.secretAccessKey=y");

    Result result = run(Map.of(), props, "status");

    result.assertExit(1);
    assertThat(result.stderr()).contains("cli_unreachable");
    assertThat(result.all()).doesNotContain("\tat ");
  }

  // ---- helpers
  // ----------------------------------------------------------------------------------------

  /** Endpoint, dummy credentials and (if given) the table name, as JVM system properties. */
  private static List<String> dynaliteProperties(String table) {
    List<String> props =
        new ArrayList<>(
            List.of(
                "-D" + DysessionSettings.ENDPOINT + "=http://127.0.0.1:" + dynalite.port(),
                "-Daws.accessKeyId=x",
                "-Daws.secretAccessKey=y"));
    if (table != null) {
      props.add("-D" + DysessionSettings.TABLE_NAME + "=" + table);
    }
    return props;
  }

  /** What one CLI process did. */
  record Result(List<String> command, int exit, String stdout, String stderr) {

    String all() {
      return stdout + stderr;
    }

    List<String> linesContaining(String text) {
      return all().lines().filter(line -> line.contains(text)).toList();
    }

    void assertExit(int expected) {
      assertThat(exit).as("exit status of %s", this).isEqualTo(expected);
    }

    @Override
    public String toString() {
      return String.join(" ", command)
          + "\n--- stdout ---\n"
          + stdout
          + "--- stderr ---\n"
          + stderr;
    }
  }

  /**
   * Runs {@code java <jvmProperties> -jar <cli jar> <args>} with the test JVM's environment minus
   * every DYSESSION_* and AWS_* variable, plus {@code env}; waits at most {@value
   * #PROCESS_TIMEOUT_SECONDS} s.
   */
  private Result run(Map<String, String> env, List<String> jvmProperties, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmProperties);
    command.add("-jar");
    command.add(cliJar.toString());
    command.addAll(List.of(args));

    String base = testName + "-" + RUNS.incrementAndGet();
    Path out = workDir.resolve(base + ".out");
    Path err = workDir.resolve(base + ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    Map<String, String> environment = builder.environment();
    environment
        .keySet()
        .removeIf(
            k -> {
              String upper = k.toUpperCase(Locale.ROOT);
              return upper.startsWith("DYSESSION") || upper.startsWith("AWS_");
            });
    environment.put("NO_COLOR", "1");
    environment.putAll(env);
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      if (!process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        fail(
            "The CLI did not finish within "
                + PROCESS_TIMEOUT_SECONDS
                + " s: "
                + String.join(" ", command)
                + "\n--- stdout ---\n"
                + read(out)
                + "--- stderr ---\n"
                + read(err));
      }
      return new Result(command, process.exitValue(), read(out), read(err));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + command, e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  private static boolean tableExists(String table) {
    try (DynamoDbClient client = DynamoDbClients.forEndpoint(dynalite.endpoint())) {
      return client.listTables().tableNames().contains(table);
    }
  }

  private static TableDescription describe(String table) {
    try (DynamoDbClient client = DynamoDbClients.forEndpoint(dynalite.endpoint())) {
      return client.describeTable(b -> b.tableName(table)).table();
    }
  }

  /** Key attribute names, hash key first. */
  private static List<String> keyNames(TableDescription table) {
    Map<KeyType, String> keys = new HashMap<>();
    for (KeySchemaElement k : table.keySchema()) {
      keys.put(k.keyType(), k.attributeName());
    }
    List<String> names = new ArrayList<>();
    names.add(keys.get(KeyType.HASH));
    names.add(keys.get(KeyType.RANGE));
    return names;
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
