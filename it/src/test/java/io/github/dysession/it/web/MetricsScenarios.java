package io.github.dysession.it.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.CookieJarClient;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * dysession's metrics of the telemetry test application ({@code /telemetry}: its own key prefix,
 * MicroProfile Telemetry's SDK on, metrics exported every 0.5 s over OTLP/HTTP), deployed on both
 * instances: through OpenTelemetry where the server has MicroProfile Telemetry (each instance's
 * exports read by the suite's collector, told apart by the resource attribute {@code
 * dysession.it.instance}), and through MicroProfile Metrics where the server has an endpoint for
 * the application. A scripted sequence of requests moves each counter by exactly what it did.
 */
abstract class MetricsScenarios extends PairScenarios {

  private static final Map<String, String> APP = Map.of("app", "/telemetry");

  /** What the script does on instance a: metric (and operation, outcome) to its increase. */
  private static Map<String, Double> expectedOnA() {
    Map<String, Double> expected = new LinkedHashMap<>();
    expected.put("dysession.sessions.created", 1.0);
    expected.put("dysession.sessions.invalidated", 1.0);
    expected.put("dysession.dynamodb.calls PutItem ok", 1.0);
    expected.put("dysession.dynamodb.calls GetItem ok", 2.0);
    expected.put("dysession.dynamodb.calls UpdateItem ok", 1.0);
    expected.put("dysession.dynamodb.calls DeleteItem ok", 1.0);
    expected.put("dysession.dynamodb.call.duration GetItem", 2.0);
    expected.put("dysession.save.bytes", 2.0);
    return expected;
  }

  /** What the script does on instance b. */
  private static Map<String, Double> expectedOnB() {
    Map<String, Double> expected = new LinkedHashMap<>();
    expected.put("dysession.sessions.created", 0.0);
    expected.put("dysession.dynamodb.calls GetItem ok", 1.0);
    expected.put("dysession.dynamodb.call.duration GetItem", 1.0);
    expected.put("dysession.save.bytes", 0.0);
    return expected;
  }

  /**
   * A new session on a, a read on b, a write and an invalidation on a; the application's expiry
   * sweep adds Queries only (its sessions are far from expiring).
   */
  private void script() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    assertThat(browser.send("POST", counter(a(), "new")).body()).isEqualTo("0"); // a: PutItem
    assertThat(browser.send("GET", counter(b(), "read")).body()).isEqualTo("0"); // b: GetItem
    // a: GetItem, UpdateItem
    assertThat(browser.send("POST", counter(a(), "increment")).body()).isEqualTo("1");
    // a: GetItem, DeleteItem
    assertThat(browser.send("POST", counter(a(), "invalidate")).statusCode()).isEqualTo(200);
  }

  @Test
  void openTelemetry_recordsAScriptedSequence_perInstance() throws Exception {
    assumeTrue(pair().openTelemetry(), "no MicroProfile Telemetry in this suite's setup");
    Map<String, Double> expectedA = expectedOnA();
    Map<String, Double> expectedB = expectedOnB();
    // What came before (the other metrics test's script too) is in the exports from now on.
    pair().otlp.awaitExports(java.time.Duration.ofSeconds(30), 2, "a", "b");
    Map<String, Double> beforeA = exported("a", expectedA);
    Map<String, Double> beforeB = exported("b", expectedB);
    script();

    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    while (!(increase(beforeA, exported("a", expectedA)).equals(expectedA)
            && increase(beforeB, exported("b", expectedB)).equals(expectedB))
        && System.nanoTime() < deadline) {
      Thread.sleep(250);
    }
    // Two more exports of each: nothing more than expected arrives.
    pair().otlp.awaitExports(java.time.Duration.ofSeconds(30), 2, "a", "b");
    assertThat(increase(beforeA, exported("a", expectedA)))
        .as("a's exports; %s", pair().otlp.exports("dysession."))
        .isEqualTo(expectedA);
    assertThat(increase(beforeB, exported("b", expectedB)))
        .as("b's exports; %s", pair().otlp.exports("dysession."))
        .isEqualTo(expectedB);
  }

  @Test
  void microProfileMetrics_countAScriptedSequence_perInstance() throws Exception {
    assumeTrue(
        a().applicationMetricsUri("telemetry").isPresent(),
        () -> a().name() + " has no MicroProfile Metrics endpoint for the application here");
    Map<String, Double> expectedA = expectedOnA();
    Map<String, Double> expectedB = expectedOnB();
    Map<String, Double> beforeA = scraped(a(), expectedA);
    Map<String, Double> beforeB = scraped(b(), expectedB);
    script();
    assertThat(increase(beforeA, scraped(a(), expectedA))).isEqualTo(expectedA);
    assertThat(increase(beforeB, scraped(b(), expectedB))).isEqualTo(expectedB);
  }

  private static URI counter(AppServer server, String action) {
    return server.baseUri().resolve("../telemetry/counter?do=" + action);
  }

  private static Map<String, Double> increase(
      Map<String, Double> before, Map<String, Double> after) {
    Map<String, Double> increase = new LinkedHashMap<>();
    after.forEach((k, v) -> increase.put(k, v - before.getOrDefault(k, 0.0)));
    return increase;
  }

  /** The labels of a key of {@link #expectedOnA()}: the application's, operation, outcome. */
  private static Map<String, String> labels(String[] key) {
    Map<String, String> labels = new java.util.HashMap<>(APP);
    if (key.length > 1) {
      labels.put("operation", key[1]);
    }
    if (key.length > 2) {
      labels.put("outcome", key[2]);
    }
    return labels;
  }

  /** The values instance {@code instance} exported for the keys of {@code expected}. */
  private Map<String, Double> exported(String instance, Map<String, Double> expected) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (String key : expected.keySet()) {
      String[] parts = key.split(" ");
      values.put(key, pair().otlp.value(instance, parts[0], labels(parts)));
    }
    return values;
  }

  /**
   * The values the MicroProfile Metrics endpoint of {@code server} shows for the keys of {@code
   * expected}, under their Prometheus names (the counters' {@code _total}, the timer's and the
   * histogram's {@code _count}).
   */
  private static Map<String, Double> scraped(AppServer server, Map<String, Double> expected)
      throws Exception {
    URI uri = server.applicationMetricsUri("telemetry").orElseThrow();
    HttpResponse<String> answer = new CookieJarClient().send("GET", uri);
    assertThat(answer.statusCode()).as("%s of %s", uri, server.name()).isEqualTo(200);
    MetricsText text = new MetricsText(answer.body());
    Map<String, Double> values = new LinkedHashMap<>();
    for (String key : expected.keySet()) {
      String[] parts = key.split(" ");
      String name = parts[0].replace('.', '_');
      String prometheus =
          name.endsWith("call_duration")
              ? name + "_seconds_count"
              : name.endsWith("save_bytes") ? name + "_count" : name + "_total";
      values.put(key, text.sum(prometheus, labels(parts)));
    }
    return values;
  }
}
