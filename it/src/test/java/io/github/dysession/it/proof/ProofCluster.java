package io.github.dysession.it.proof;

import io.github.dysession.config.DysessionSettings;
import io.github.dysession.config.SettingsSource;
import io.github.dysession.it.support.CookieJarClient;
import io.github.dysession.it.support.Dynalite;
import io.github.dysession.it.support.DynamoDbClients;
import io.github.dysession.it.support.PayaraMicro;
import io.github.dysession.it.support.ServerPair;
import io.github.dysession.store.dynamodb.DynamoDbTableAdmin;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The proof suites' fixture: one dynalite with a data directory (so it survives {@code kill -9})
 * and two Payara Micro 6 instances "a" and "b" sharing it, as behind a round-robin load balancer
 * without sticky sessions. The test creates the table first (with the library's own {@link
 * DynamoDbTableAdmin}), then starts both instances at once. One cluster per test class.
 *
 * <p>Every session id any {@link Client} of the cluster was handed in a {@code Set-Cookie} header
 * (and every id a test invented and sent) is remembered, so that a test can check that none of them
 * ever appears in a server log.
 */
final class ProofCluster implements AutoCloseable {

  static final String COOKIE = "DYSESSION";
  static final Jsonb JSON = JsonbBuilder.create();

  /** Short DynamoDB timeouts, so an outage turns into 503 answers quickly. */
  static final Map<String, String> SHORT_TIMEOUTS =
      Map.of(
          "dysession.api-call-timeout-ms", "2000",
          "dysession.api-call-attempt-timeout-ms", "700",
          "dysession.max-retries", "1");

  private final String table;
  private final Dynalite dynalite;
  private final PayaraMicro a;
  private final PayaraMicro b;
  private final DynamoDbClient raw;
  private final HttpClient http;
  private final Set<String> ids = ConcurrentHashMap.newKeySet();

  private ProofCluster(
      String table, Dynalite dynalite, PayaraMicro a, PayaraMicro b, DynamoDbClient raw) {
    this.table = table;
    this.dynalite = dynalite;
    this.a = a;
    this.b = b;
    this.raw = raw;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /**
   * Starts dynalite (data under {@code it/target/}), creates the table {@code name_sessions}, and
   * starts instances {@code name-a} and {@code name-b} with {@code dysessionProperties}.
   */
  static ProofCluster start(String name, Map<String, String> dysessionProperties) throws Exception {
    String table = name + "_sessions";
    Path target = Dynalite.baseDir().resolve("target");
    Files.createDirectories(target);
    Dynalite dynalite = Dynalite.start(Files.createTempDirectory(target, "dynalite-" + name + "-"));
    DynamoDbClient raw = null;
    ServerPair<PayaraMicro> pair = null;
    try {
      raw = DynamoDbClients.forEndpoint(dynalite.endpoint());
      new DynamoDbTableAdmin(
              raw,
              DysessionSettings.from(
                      SettingsSource.of(
                          Map.of(
                              DysessionSettings.TABLE_NAME,
                              table,
                              DysessionSettings.ENDPOINT,
                              dynalite.endpoint().toString())))
                  .dynamoDb())
          .create();
      pair =
          ServerPair.start(
              () -> instance(name, "a", dynalite, table, dysessionProperties),
              () -> instance(name, "b", dynalite, table, dysessionProperties));
      ProofCluster cluster = new ProofCluster(table, dynalite, pair.a(), pair.b(), raw);
      cluster.warmUp();
      return cluster;
    } catch (Exception | Error e) {
      if (pair != null) {
        pair.close();
      }
      if (raw != null) {
        raw.close();
      }
      dynalite.close();
      throw e;
    }
  }

  private static PayaraMicro instance(
      String cluster,
      String name,
      Dynalite dynalite,
      String table,
      Map<String, String> dysessionProperties) {
    RuntimeException failure = null;
    // On a machine crowded with other builds, a start can miss the harness's readiness deadlines;
    // one more attempt (in a fresh run directory) is cheaper than a failed suite.
    for (int attempt = 1; attempt <= 2; attempt++) {
      try {
        return PayaraMicro.builder(cluster + "-" + name)
            .release(PayaraMicro.Release.PAYARA_6)
            .javaHome(PayaraMicro.currentJavaHome())
            .systemProperty("dysession.it.instance", name)
            .systemProperty("dysession.dynamodb-endpoint", dynalite.endpoint().toString())
            .systemProperty("dysession.dynamodb-tablename", table)
            .systemProperty("dysession.create-table", "false")
            .systemProperty("aws.accessKeyId", "test")
            .systemProperty("aws.secretAccessKey", "test")
            .systemProperties(dysessionProperties)
            .start();
      } catch (IllegalStateException e) {
        failure = e;
        System.out.println(
            "[proof] Payara Micro "
                + cluster
                + "-"
                + name
                + " did not start (attempt "
                + attempt
                + "): "
                + e.getMessage().lines().findFirst().orElse(""));
      }
    }
    throw failure;
  }

  /**
   * A few session requests on each fresh instance, so that the first requests of a test do not meet
   * a cold JVM and a cold AWS SDK client (with short DynamoDB timeouts they could time out).
   */
  private void warmUp() throws IOException, InterruptedException {
    for (PayaraMicro server : instances()) {
      for (int i = 0; i < 5; i++) {
        CookieJarClient client = client();
        for (int attempt = 0; attempt < 10 && client.sessionId() == null; attempt++) {
          client.send("POST", server.op("set", "name", "warm", "value", "up"));
        }
        client.send("POST", server.uri("api/counter"));
        client.send("POST", server.op("invalidate"));
      }
    }
    resetCounts();
  }

  /** Stops dynalite without killing it (SIGSTOP): connections stay open and requests wait. */
  void pauseDynalite() {
    signalDynalite("-STOP");
  }

  /** Lets a paused dynalite go on (SIGCONT). */
  void resumeDynalite() {
    signalDynalite("-CONT");
  }

  private void signalDynalite(String signal) {
    String port = "--port " + dynalite.port();
    ProcessHandle process =
        ProcessHandle.current()
            .descendants()
            .filter(
                p ->
                    p.info().commandLine().orElse("").contains("dynalite")
                        && p.info().commandLine().orElse("").contains(port))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no dynalite process with " + port));
    try {
      Process kill =
          new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** How many items the table holds (a consistent, paginated count). */
  long itemCount() {
    long count = 0;
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      var page =
          raw.scan(
              s ->
                  s.tableName(table)
                      .consistentRead(true)
                      .select(software.amazon.awssdk.services.dynamodb.model.Select.COUNT)
                      .exclusiveStartKey(from));
      count += page.count();
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
    return count;
  }

  PayaraMicro a() {
    return a;
  }

  PayaraMicro b() {
    return b;
  }

  List<PayaraMicro> instances() {
    return List.of(a, b);
  }

  Dynalite dynalite() {
    return dynalite;
  }

  String table() {
    return table;
  }

  /** A raw AWS SDK client on the cluster's dynalite, for reading and damaging items directly. */
  DynamoDbClient raw() {
    return raw;
  }

  HttpClient http() {
    return http;
  }

  /** A new client with its own cookie jar. */
  CookieJarClient client() {
    return CookieJarClient.sharing(http(), COOKIE, this::remember);
  }

  /**
   * The DynamoDB calls {@code server} made since its last reset, by operation (cookie-less
   * request).
   */
  @SuppressWarnings("unchecked")
  Map<String, Long> calls(PayaraMicro server) throws IOException, InterruptedException {
    Map<String, Object> answer = cookieless("GET", server.op("calls"));
    Map<String, Long> result = new TreeMap<>();
    ((Map<String, Object>) answer.get("calls"))
        .forEach((k, v) -> result.put(k, ((Number) v).longValue()));
    return result;
  }

  /** Returns the application's event counts on {@code server} (its {@code events} page). */
  @SuppressWarnings("unchecked")
  Map<String, Long> events(PayaraMicro server) throws IOException, InterruptedException {
    Map<String, Object> answer = cookieless("GET", server.op("events"));
    Map<String, Long> result = new TreeMap<>();
    ((Map<String, Object>) answer.get("events"))
        .forEach((k, v) -> result.put(k, ((Number) v).longValue()));
    return result;
  }

  /** Forgets both instances' call and event counts. */
  void resetCounts() throws IOException, InterruptedException {
    for (PayaraMicro server : instances()) {
      if (server.isRunning()) {
        cookieless("POST", server.op("reset"));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> cookieless(String method, URI uri)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError(
          method + " " + uri + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.fromJson(response.body(), Map.class);
  }

  /** The session's item as stored, read directly with a consistent read. */
  Optional<Map<String, AttributeValue>> item(String id) {
    var response = raw.getItem(g -> g.tableName(table).consistentRead(true).key(key(id)));
    return response.hasItem() && !response.item().isEmpty()
        ? Optional.of(response.item())
        : Optional.empty();
  }

  /** The key of a session's item (no key prefix is configured). */
  static Map<String, AttributeValue> key(String id) {
    Map<String, AttributeValue> key = new LinkedHashMap<>();
    key.put("PK", AttributeValue.fromS(id));
    key.put("SK", AttributeValue.fromS("SESSION"));
    return key;
  }

  /**
   * Sets one entry of the session item's {@code ds_attrs} map directly, behind dysession's back.
   */
  void putRawAttribute(String id, String name, AttributeValue value) {
    raw.updateItem(
        u ->
            u.tableName(table)
                .key(key(id))
                .updateExpression("SET #attrs.#name = :value")
                .conditionExpression("attribute_exists(PK)")
                .expressionAttributeNames(Map.of("#attrs", "ds_attrs", "#name", name))
                .expressionAttributeValues(Map.of(":value", value)));
  }

  /** Remembers a session id a client was handed or sent, for {@link #idsInLogs()}. */
  void remember(String id) {
    if (id != null && !id.isEmpty()) {
      ids.add(id);
    }
  }

  /** Every session id remembered so far. */
  Set<String> rememberedIds() {
    return Set.copyOf(ids);
  }

  /** The server log of both instances and dynalite's log. */
  String logs() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (PayaraMicro server : instances()) {
      sb.append(server.log()).append('\n');
    }
    if (Files.exists(dynalite.logFile())) {
      sb.append(Files.readString(dynalite.logFile(), StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  /**
   * The remembered session ids that occur anywhere in the logs (also inside longer tokens): every
   * 43-character window of every run of base64url characters in the logs is looked up.
   */
  Set<String> idsInLogs() throws IOException {
    Set<String> remembered = new HashSet<>(ids);
    Set<String> found = new TreeSet<>();
    String logs = logs();
    int n = logs.length();
    int i = 0;
    while (i < n) {
      while (i < n && !isIdChar(logs.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && isIdChar(logs.charAt(i))) {
        i++;
      }
      for (int s = start; s + 43 <= i; s++) {
        String window = logs.substring(s, s + 43);
        if (remembered.contains(window)) {
          found.add(window);
        }
      }
    }
    // Ids sent with other characters around them (quotes) are caught by the windows as well.
    return found;
  }

  private static boolean isIdChar(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }

  @Override
  public void close() {
    for (AutoCloseable c : new AutoCloseable[] {a, b, raw, dynalite}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // Keep closing the others.
      }
    }
  }
}
