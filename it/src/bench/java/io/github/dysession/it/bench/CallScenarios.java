package io.github.dysession.it.bench;

import io.github.dysession.config.DysessionSettings;
import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.CookieJarClient;
import io.github.dysession.store.dynamodb.ItemSizes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * Part 1: the DynamoDB calls, bytes and consumed capacity one HTTP request of each kind costs, read
 * from the test application's {@code CallCounter} (an AWS SDK interceptor inside the server), and
 * the stored item's size afterwards. Each scenario is repeated; the counts must be the same every
 * time.
 */
final class CallScenarios {

  /** What one kind of request cost. */
  record Row(
      String scenario,
      String request,
      String target,
      Map<String, Map<String, Number>> details,
      Long itemSizeEstimate,
      Long itemSizeRules,
      boolean stable) {

    long calls(String operation) {
      Map<String, Number> d = details.get(operation);
      return d == null ? 0 : d.get("calls").longValue();
    }

    long sum(String key) {
      return details.values().stream().mapToLong(d -> d.get(key).longValue()).sum();
    }

    double capacity() {
      return details.values().stream().mapToDouble(d -> d.get("capacityUnits").doubleValue()).sum();
    }

    String callSummary() {
      if (details.isEmpty()) {
        return "none";
      }
      List<String> parts = new ArrayList<>();
      details.forEach((op, d) -> parts.add(d.get("calls") + " " + op));
      return String.join(" + ", parts);
    }
  }

  private static final List<String> ORDER =
      List.of("GetItem", "PutItem", "UpdateItem", "DeleteItem");

  private interface Setup {
    void run(CookieJarClient client) throws Exception;
  }

  private final AppServer server;
  private final DynamoDbClient dynamo;
  private final DysessionSettings settings;
  private final int repetitions;

  /** One client for every user of the scenarios, as the old per-class one. */
  private static final java.net.http.HttpClient HTTP =
      java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1)
          .connectTimeout(java.time.Duration.ofSeconds(5))
          .followRedirects(java.net.http.HttpClient.Redirect.NEVER)
          .build();

  private final CookieJarClient control = CookieJarClient.sharing(HTTP, null, id -> {});

  CallScenarios(
      AppServer server, DynamoDbClient dynamo, DysessionSettings settings, int repetitions) {
    this.server = server;
    this.dynamo = dynamo;
    this.settings = settings;
    this.repetitions = repetitions;
  }

  List<Row> run() throws Exception {
    String changed = "z".repeat(100);
    List<Row> rows = new ArrayList<>();
    rows.add(
        measure(
            "Request that never touches the session (session cookie sent)",
            "GET ping",
            "0 calls",
            c -> fill(c, 20),
            "GET",
            "ping"));
    rows.add(
        measure(
            "Read-only, inside the touch interval (1 of 20 attributes)",
            "GET s?op=get&name=f0",
            "1 GetItem, 0 writes",
            c -> fill(c, 20),
            "GET",
            "s?op=get&name=f0"));
    rows.add(
        measure(
            "Read-only, inside the touch interval (1 of 200 attributes)",
            "GET s?op=get&name=f0",
            "1 GetItem, 0 writes",
            c -> fill(c, 200),
            "GET",
            "s?op=get&name=f0"));
    rows.add(
        measure(
            "Change 1 attribute of a 20-attribute session",
            "POST s?op=set&name=f1 (100 chars)",
            "1 GetItem + 1 UpdateItem",
            c -> fill(c, 20),
            "POST",
            "s?op=set&name=f1&value=" + changed));
    rows.add(
        measure(
            "Change 1 attribute of a 200-attribute session",
            "POST s?op=set&name=f1 (100 chars)",
            "1 GetItem + 1 UpdateItem, same bytes sent",
            c -> fill(c, 200),
            "POST",
            "s?op=set&name=f1&value=" + changed));
    rows.add(
        measure(
            "Change a @SessionScoped bean (20-attribute session)",
            "POST api/counter",
            "1 GetItem + 1 UpdateItem",
            c -> {
              fill(c, 20);
              c.json("POST", server.uri("api/counter"));
            },
            "POST",
            "api/counter"));
    rows.add(
        measure(
            "New session (first setAttribute)",
            "POST s?op=set&name=a&value=1",
            "1 PutItem",
            c -> {},
            "POST",
            "s?op=set&name=a&value=1"));
    rows.add(
        measure(
            "Invalidation (20-attribute session)",
            "POST s?op=invalidate",
            "1 GetItem + 1 DeleteItem",
            c -> fill(c, 20),
            "POST",
            "s?op=invalidate"));
    rows.add(
        measure(
            "changeSessionId (20-attribute session)",
            "POST s?op=rotate",
            "GetItem, PutItem (new id), UpdateItem (mark) + DeleteItem (old id)",
            c -> fill(c, 20),
            "POST",
            "s?op=rotate"));
    return rows;
  }

  private void fill(CookieJarClient client, int attributes) throws Exception {
    client.json("POST", server.uri("s?op=fill&count=" + attributes + "&bytes=100"));
  }

  private Row measure(
      String scenario, String request, String target, Setup setup, String method, String path)
      throws Exception {
    Map<String, Map<String, Number>> last = null;
    boolean stable = true;
    CookieJarClient client = null;
    for (int i = 0; i < repetitions; i++) {
      client = CookieJarClient.sharing(HTTP, "DYSESSION", id -> {});
      setup.run(client);
      control.json("POST", server.uri("s?op=reset"));
      var response = client.send(method, server.uri(path));
      if (response.status() != 200) {
        throw new IllegalStateException(method + " " + path + " answered " + response.status());
      }
      Map<String, Map<String, Number>> details = details();
      if (last != null && !callCounts(last).equals(callCounts(details))) {
        stable = false;
      }
      last = details;
    }
    Long estimate = null;
    Long rules = null;
    String id = client.sessionId();
    if (id != null) {
      GetItemResponse item =
          dynamo.getItem(
              b ->
                  b.tableName(settings.tableName())
                      .consistentRead(true)
                      .key(
                          Map.of(
                              settings.partitionKeyName(),
                              AttributeValue.fromS(settings.keyPrefix() + id),
                              settings.sortKeyName(),
                              AttributeValue.fromS("SESSION"))));
      if (item.hasItem() && !item.item().isEmpty()) {
        estimate = ItemSizes.dysessionEstimate(settings, id, item.item());
        rules = ItemSizes.dynamoDbRules(item.item());
      }
    }
    Row row =
        new Row(scenario, request, target, Objects.requireNonNull(last), estimate, rules, stable);
    System.out.printf(
        "[bench] calls: %-62s %-40s sent %6d B, received %6d B, capacity %5.1f, item %s B%s%n",
        scenario,
        row.callSummary(),
        row.sum("requestBytes"),
        row.sum("responseBytes"),
        row.capacity(),
        estimate == null ? "-" : estimate.toString(),
        stable ? "" : " (VARIES between repetitions)");
    return row;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Map<String, Number>> details() throws Exception {
    Map<String, Object> answer = control.json("GET", server.uri("s?op=calls"));
    Map<String, Map<String, Number>> details =
        new TreeMap<>(
            java.util.Comparator.comparingInt(
                    (String op) -> ORDER.indexOf(op) < 0 ? ORDER.size() : ORDER.indexOf(op))
                .thenComparing(op -> op));
    ((Map<String, Map<String, Number>>) answer.get("details"))
        .forEach((op, d) -> details.put(op, new LinkedHashMap<>(d)));
    return details;
  }

  private static Map<String, Long> callCounts(Map<String, Map<String, Number>> details) {
    Map<String, Long> counts = new TreeMap<>();
    details.forEach((op, d) -> counts.put(op, d.get("calls").longValue()));
    return counts;
  }
}
