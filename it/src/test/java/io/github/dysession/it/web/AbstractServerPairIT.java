package io.github.dysession.it.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.CookieJarClient;
import io.github.dysession.it.support.Dynalite;
import io.github.dysession.it.support.OtlpReceiver;
import io.github.dysession.it.support.ServerPair;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.TestInstance;

/**
 * Two server instances sharing one dynalite and one table, started once for all the tests of a
 * suite and its nested classes: instance "a" and instance "b", each with the test WAR and the
 * applications deployed beside it. Subclasses choose the servers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractServerPairIT {

  Dynalite dynalite;
  AppServer a;
  AppServer b;

  /**
   * The collector that the instances' OpenTelemetry metric exports go to, where a suite deploys the
   * telemetry test application ({@link #telemetryDeployed}).
   */
  OtlpReceiver otlp;

  /**
   * Starts one server instance with the test WAR, the given dysession settings (as system
   * properties) and {@code dysession.it.instance} = {@code name}.
   */
  abstract AppServer start(String name, Map<String, String> settings);

  /** Returns the table name, unique per subclass. */
  abstract String table();

  /**
   * Whether both instances deploy the telemetry test application ({@code /telemetry}, MicroProfile
   * Telemetry's SDK on where the server has it).
   */
  boolean telemetryDeployed() {
    return false;
  }

  /**
   * Whether the instances have MicroProfile Telemetry, so that the telemetry test application
   * exports its metrics to {@link #otlp}.
   */
  boolean openTelemetry() {
    return telemetryDeployed();
  }

  /**
   * The settings of instance {@code name} for the telemetry test application: where it exports its
   * metrics, and its name as the resource attribute {@code dysession.it.instance} (Open Liberty
   * sets {@code service.instance.id} itself).
   */
  Map<String, String> telemetrySettings(String name) {
    return Map.of(
        "otel.exporter.otlp.endpoint",
        otlp.endpoint().toString(),
        "otel.resource.attributes",
        "dysession.it.instance=" + name);
  }

  /**
   * Whether both instances are of one server kind, and so of one Faces implementation and version.
   */
  boolean sameKind() {
    return true;
  }

  /**
   * Faces pages on the two instances, where they are of one kind (Faces state is shared only so).
   */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Faces extends FacesScenarios {

    @BeforeAll
    void onOneServerKindOnly() {
      assumeTrue(
          sameKind(),
          "Faces state is shared between instances of one server kind only (README, Faces)");
    }

    @Override
    AbstractServerPairIT pair() {
      return AbstractServerPairIT.this;
    }
  }

  /** A long-running conversation across the two instances, where they are of one kind. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Conversations extends ConversationScenarios {

    @BeforeAll
    void onOneServerKindOnly() {
      assumeTrue(
          sameKind(), "conversation beans are stored under the CDI implementation's own names");
    }

    @Override
    AbstractServerPairIT pair() {
      return AbstractServerPairIT.this;
    }
  }

  /** Session listeners registered every way, on the two instances. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Listeners extends ListenerScenarios {

    @Override
    AbstractServerPairIT pair() {
      return AbstractServerPairIT.this;
    }
  }

  /** The applications' own session settings, on the two instances. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class SessionConfig extends SessionConfigScenarios {

    @Override
    AbstractServerPairIT pair() {
      return AbstractServerPairIT.this;
    }
  }

  /** A user's sessions listed, ended and limited across the two instances. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class UserSessions extends UserSessionsScenarios {

    @Override
    AbstractServerPairIT pair() {
      return AbstractServerPairIT.this;
    }
  }

  /** Sessions that expire, ended by the expiry sweep of either instance. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Expiry extends ExpiryScenarios {

    @Override
    AbstractServerPairIT pair() {
      return AbstractServerPairIT.this;
    }
  }

  /** dysession's metrics, where the suite deploys the telemetry application. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Metrics extends MetricsScenarios {

    @BeforeAll
    void whereDeployed() {
      assumeTrue(telemetryDeployed(), "the telemetry test application is not deployed here");
    }

    @Override
    AbstractServerPairIT pair() {
      return AbstractServerPairIT.this;
    }
  }

  /** Returns the stored items whose key holds this session id (none once it is deleted). */
  List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> storedItems(
      String sessionId) {
    String pk = io.github.dysession.config.DysessionSettings.defaultSettings().partitionKeyName();
    try (var client =
        io.github.dysession.it.support.DynamoDbClients.forEndpoint(dynalite.endpoint())) {
      return client
          .scan(
              s ->
                  s.tableName(table())
                      .filterExpression("contains(#pk, :id)")
                      .expressionAttributeNames(Map.of("#pk", pk))
                      .expressionAttributeValues(
                          Map.of(
                              ":id",
                              software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                                  sessionId))))
          .items();
    }
  }

  /**
   * Returns the stored item of the session with this id (the table's only item whose key holds it).
   */
  Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> storedItem(
      String sessionId) {
    var items = storedItems(sessionId);
    assertThat(items).as("items of one session").hasSize(1);
    return items.get(0);
  }

  /**
   * Whether "b" starts only once "a" is up: two heavy servers booting at once on a busy two-core
   * machine let each other's first requests time out.
   */
  boolean startInTurn() {
    return false;
  }

  @BeforeAll
  void startServers() throws Exception {
    Path data =
        Files.createTempDirectory(
            Path.of(System.getProperty("dysession.it.basedir", "."), "target"),
            "dynalite-" + table() + "-");
    dynalite = Dynalite.start(data);
    if (openTelemetry()) {
      otlp = OtlpReceiver.start();
    }
    // The table is made by the test, with the SDK's patient defaults: the instances' timeouts are
    // too short for DDL on a loaded machine.
    try (var client =
        io.github.dysession.it.support.DynamoDbClients.forEndpoint(dynalite.endpoint())) {
      new io.github.dysession.store.dynamodb.DynamoDbTableAdmin(
              client,
              io.github.dysession.config.DysessionSettings.from(
                      io.github.dysession.config.SettingsSource.of(
                          Map.of("dysession.dynamodb-tablename", table())))
                  .dynamoDb())
          .create();
    }
    if (startInTurn()) {
      a = start("a", false);
      b = start("b", false);
    } else {
      ServerPair<AppServer> pair =
          ServerPair.start(() -> start("a", false), () -> start("b", false));
      a = pair.a();
      b = pair.b();
    }
    warmUp(a);
    warmUp(b);
  }

  /**
   * Creates, reads and invalidates one session on an instance, retrying while it answers 503: the
   * first DynamoDB calls of a fresh instance on a busy machine can outlast the short timeouts the
   * instances run with (for the outage test).
   */
  private void warmUp(AppServer server) throws Exception {
    CookieJarClient browser = new CookieJarClient();
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
    for (String step : List.of("set&name=warm&value=up", "dump", "invalidate")) {
      while (true) {
        HttpResponse<String> response = browser.send("POST", server.uri("s?op=" + step));
        if (response.statusCode() != 503 || System.nanoTime() - deadline > 0) {
          assertThat(response.statusCode())
              .as("warm-up %s on %s", step, server.name())
              .isEqualTo(200);
          break;
        }
        Thread.sleep(500);
      }
    }
  }

  @AfterAll
  void stopServers() {
    for (AutoCloseable c : new AutoCloseable[] {a, b, dynalite, otlp}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          // Keep stopping the others.
        }
      }
    }
  }

  private AppServer start(String name, boolean createTable) {
    Map<String, String> settings = new java.util.LinkedHashMap<>();
    settings.put("dysession.it.instance", name);
    settings.put("dysession.dynamodb-endpoint", dynalite.endpoint().toString());
    settings.put("dysession.dynamodb-tablename", table());
    settings.put("dysession.create-table", String.valueOf(createTable));
    // Room for a cold first call beside a slow server's start on a busy machine; the outage test's
    // dynalite is gone (connection refused), which fails at once whatever the timeouts.
    settings.put("dysession.api-call-timeout-ms", "10000");
    settings.put("dysession.api-call-attempt-timeout-ms", "4000");
    settings.put("dysession.max-retries", "1");
    settings.put("aws.accessKeyId", "test");
    settings.put("aws.secretAccessKey", "test");
    return start(name, settings);
  }
}
