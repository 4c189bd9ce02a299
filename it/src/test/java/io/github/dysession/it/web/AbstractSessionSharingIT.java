package io.github.dysession.it.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.CookieJarClient;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Two server instances share one dynalite; a client with a cookie jar alternates between them, as
 * behind a round-robin load balancer without sticky sessions. Subclasses choose the server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AbstractSessionSharingIT extends AbstractServerPairIT {

  private static final Pattern SET_COOKIE = Pattern.compile("DYSESSION=([^;]*)");

  /** A client without cookies, for the test application's counters. */
  private final CookieJarClient control = new CookieJarClient();

  /**
   * Returns the simple class names that a JAX-RS resource's {@code @Context HttpServletRequest} may
   * hand out for dysession's session (the test also checks it has dysession's id): dysession's own,
   * unless the server wraps sessions for JAX-RS.
   */
  Set<String> jaxRsSessionClasses() {
    return Set.of("DysessionHttpSession");
  }

  /**
   * Returns the instance that the tests of one server's own behaviour (session events, cookie
   * attributes, malformed cookies, refused values, asynchronous requests, error pages, a reset
   * response) run on; the other instance then reads what they stored. "a" unless a subclass has a
   * server under test.
   */
  AppServer subject() {
    return a;
  }

  AppServer witness() {
    return subject() == a ? b : a;
  }

  /**
   * Checks the server's readiness endpoint, where it has one in the tested setup: the status and
   * dysession's check in the given state; returns the body (empty without an endpoint).
   */
  private static String assertReadiness(AppServer server, int status, String state)
      throws Exception {
    if (server.readinessUri().isEmpty()) {
      return "";
    }
    java.net.URI uri = server.readinessUri().get();
    HttpResponse<String> response = new CookieJarClient().send("GET", uri);
    assertThat(response.statusCode())
        .as("%s of %s: %s", uri, server.name(), response.body())
        .isEqualTo(status);
    assertThat(response.body().replace(" ", ""))
        .as("%s of %s", uri, server.name())
        .contains("\"name\":\"dysession\"")
        .contains("\"status\":\"" + state + "\"");
    return response.body();
  }

  /**
   * The outage lines of all applications: each logs an outage once, from whichever of its calls (a
   * request's or its expiry sweep's) met it first.
   */
  private static long outageLines(AppServer server) {
    return server.log().lines().filter(l -> l.contains("could not be reached")).count();
  }

  /** The outage lines met by requests (not by an expiry sweep). */
  private static long requestOutageLines(AppServer server) {
    return server
        .log()
        .lines()
        .filter(l -> l.contains("could not be reached") && !l.contains("expired session"))
        .count();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> attributes(Map<String, Object> dump) {
    Map<String, Object> session = (Map<String, Object>) dump.get("session");
    assertThat(session).as("session in %s", dump).isNotNull();
    return (Map<String, Object>) session.get("attributes");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> session(Map<String, Object> dump) {
    return (Map<String, Object>) dump.get("session");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Number> calls(AppServer server) throws Exception {
    return (Map<String, Number>) control.json("GET", server.op("calls")).get("calls");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Number> events(AppServer server) throws Exception {
    return (Map<String, Number>) control.json("GET", server.op("events")).get("events");
  }

  private void reset() throws Exception {
    control.json("POST", a.op("reset"));
    control.json("POST", b.op("reset"));
  }

  private static long number(Object value) {
    assertThat(value).isInstanceOf(Number.class);
    return ((Number) value).longValue();
  }

  private static Map<String, Long> longs(Map<String, Number> counts) {
    Map<String, Long> result = new java.util.TreeMap<>();
    counts.forEach((k, v) -> result.put(k, v.longValue()));
    return result;
  }

  private static long count(Map<String, Number> counts, String key) {
    Number n = counts.get(key);
    return n == null ? 0 : n.longValue();
  }

  @Test
  @Order(1)
  void attributeWrittenOnOneInstance_isReadOnTheOther() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    Map<String, Object> created =
        browser.json("POST", a.op("set", "name", "greeting", "value", "hello"));
    assertThat(session(created))
        .containsEntry("new", true)
        .containsEntry("class", "DysessionHttpSession");
    assertThat(a.log())
        .contains("dysession's session filter is registered first for /app")
        .contains(
            "dysession calls 1 session listener of /app for its sessions: "
                + "io.github.dysession.it.app.SessionEventsListener");
    Map<String, Object> read = browser.json("GET", b.op("dump"));
    assertThat(read).containsEntry("node", "b");
    assertThat(session(read))
        .containsEntry("new", false)
        .containsEntry("idHash", session(created).get("idHash"));
    assertThat(attributes(read)).containsEntry("greeting", "hello");

    browser.json("POST", b.op("setInt", "name", "milk", "value", "20"));
    browser.json("POST", a.op("remove", "name", "greeting"));
    Map<String, Object> after = browser.json("GET", b.op("dump"));
    assertThat(attributes(after)).doesNotContainKey("greeting");
    assertThat(number(attributes(after).get("milk"))).isEqualTo(20);
  }

  @Test
  @Order(2)
  void applicationFilterDeclaredInWebXml_runsAfterDysession() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    browser.json("POST", a.op("set", "name", "x", "value", "1"));
    HttpResponse<String> response = browser.send("GET", b.op("dump"));
    assertThat(response.headers().firstValue("X-App-Filter-Session"))
        .hasValue("DysessionHttpSession");
    assertThat(response.headers().firstValue("X-App-Filter-Request")).hasValue("DysessionRequest");
  }

  @Test
  @Order(3)
  void sessionCookie_isHttpOnlyLaxHostOnlyWithA256BitId() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    HttpResponse<String> response =
        browser.send("POST", subject().op("set", "name", "x", "value", "1"));
    String header =
        response.headers().allValues("Set-Cookie").stream()
            .filter(h -> h.startsWith("DYSESSION="))
            .findFirst()
            .orElseThrow();
    assertThat(header)
        .contains("; HttpOnly")
        .contains("; SameSite=Lax")
        .contains("; Path=/app")
        .doesNotContain("Secure")
        .doesNotContain("Domain");
    Matcher m = SET_COOKIE.matcher(header);
    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).matches("[A-Za-z0-9_-]{43}");
    assertThat(response.headers().allValues("Set-Cookie"))
        .noneMatch(h -> h.startsWith("JSESSIONID"));
  }

  @Test
  @Order(4)
  void inPlaceMutationOfAListWithoutSetAttribute_isSaved() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    browser.json("POST", a.op("append", "name", "planets", "value", "Earth"));
    browser.json("POST", b.op("append", "name", "planets", "value", "Jupiter"));
    browser.json("POST", a.op("append", "name", "planets", "value", "Saturn"));
    assertThat(attributes(browser.json("GET", b.op("dump"))))
        .containsEntry("planets", List.of("Earth", "Jupiter", "Saturn"));
  }

  @Test
  @Order(5)
  @SuppressWarnings("unchecked")
  void sessionScopedBeanState_isSharedAndInjectedSessionIsDysessions() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    Map<String, Object> last = null;
    AppServer[] order = {a, b, a, b};
    for (AppServer server : order) {
      last = browser.json("POST", server.uri("api/counter"));
    }
    assertThat(number(last.get("count"))).isEqualTo(4);
    assertThat((List<String>) last.get("nodes")).containsExactly("a", "b", "a", "b");
    assertThat(last.get("injectedSessionHash")).isEqualTo(last.get("requestSessionHash"));
    assertThat(last.get("requestSessionClass")).isIn(jaxRsSessionClasses());

    browser.json("POST", a.uri("api/counter/note"));
    assertThat(attributes(browser.json("GET", b.op("dump"))))
        .containsEntry("noted", "via @Inject HttpSession");
    assertThat(number(browser.json("GET", b.uri("api/counter")).get("count"))).isEqualTo(4);
  }

  @Test
  @Order(6)
  void invalidateOnOneInstance_isSeenOnTheOther_andFiresListenersAndPreDestroy() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    browser.json("POST", a.uri("api/counter"));
    browser.json("POST", a.op("set", "name", "x", "value", "1"));
    reset();
    Map<String, Object> result = browser.json("POST", b.op("invalidate"));
    assertThat(result).containsEntry("invalidated", true);
    assertThat(session(browser.json("GET", a.op("dump")))).isNull();
    Map<String, Number> events = events(b);
    assertThat(count(events, "sessionDestroyed")).isEqualTo(1);
    assertThat(count(events, "counterPreDestroy")).isEqualTo(1);
    assertThat(count(events, "cdiDestroyed")).isEqualTo(1);
    assertThat(count(events, "attributeRemoved:x")).isEqualTo(1);
    // A new session starts empty, with a fresh counter.
    assertThat(number(browser.json("POST", b.uri("api/counter")).get("count"))).isEqualTo(1);
  }

  @Test
  @Order(7)
  void changeSessionId_keepsStateAndRetiresTheOldId() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    browser.json("POST", a.op("set", "name", "cart", "value", "3 books"));
    String oldId = browser.sessionId();
    Map<String, Object> rotated = browser.json("POST", b.op("rotate"));
    String newId = browser.sessionId();
    assertThat(newId).isNotNull().isNotEqualTo(oldId);
    assertThat(rotated.get("before")).isNotEqualTo(rotated.get("after"));
    assertThat(attributes(browser.json("GET", a.op("dump")))).containsEntry("cart", "3 books");

    CookieJarClient attacker = new CookieJarClient();
    attacker.setSessionId(oldId);
    assertThat(session(attacker.json("GET", a.op("dump")))).isNull();
    assertThat(session(attacker.json("GET", b.op("dump")))).isNull();
  }

  @Test
  @Order(8)
  void redirectAfterAWrite_followedToTheOtherInstance_seesTheWrite() throws Exception {
    for (int i = 0; i < 5; i++) {
      CookieJarClient browser = new CookieJarClient(HttpClient.Redirect.ALWAYS);
      browser.json("POST", b.op("set", "name", "start", "value", "yes"));
      String target = b.op("dump").toString();
      Map<String, Object> landed =
          browser.json(
              "GET", a.op("redirect", "name", "flash", "value", "saved-" + i, "to", target));
      assertThat(landed).containsEntry("node", "b");
      assertThat(attributes(landed)).containsEntry("flash", "saved-" + i);
    }
  }

  @Test
  @Order(9)
  void listenersAndCdiEvents_fireForDysessionSessions() throws Exception {
    // Both ways: on a mixed fleet each server kind must fire them for a session the other one
    // saved.
    listenersAndCdiEventsFire(a, b);
    listenersAndCdiEventsFire(b, a);
  }

  private void listenersAndCdiEventsFire(AppServer writer, AppServer reader) throws Exception {
    reset();
    CookieJarClient browser = new CookieJarClient();
    browser.json("POST", writer.op("set", "name", "colour", "value", "red"));
    browser.json("POST", writer.op("set", "name", "colour", "value", "blue"));
    browser.json("POST", writer.op("binding", "name", "bound"));
    browser.json("GET", reader.op("dump"));
    browser.json("POST", writer.op("remove", "name", "bound"));
    browser.json("POST", writer.op("rotate"));
    Map<String, Number> onWriter = events(writer);
    Map<String, Number> onReader = events(reader);
    assertThat(count(onWriter, "sessionCreated:DysessionHttpSession")).isEqualTo(1);
    assertThat(count(onWriter, "cdiInitialized:DysessionHttpSession")).isEqualTo(1);
    assertThat(count(onWriter, "attributeAdded:colour")).isEqualTo(1);
    assertThat(count(onWriter, "attributeReplaced:colour")).isEqualTo(1);
    assertThat(count(onWriter, "valueBound")).isEqualTo(1);
    assertThat(count(onWriter, "valueUnbound")).isEqualTo(1);
    assertThat(count(onWriter, "attributeRemoved:bound")).isEqualTo(1);
    assertThat(count(onWriter, "sessionIdChanged")).isEqualTo(1);
    assertThat(count(onWriter, "sessionWillPassivate")).isPositive();
    assertThat(count(onReader, "sessionDidActivate")).isEqualTo(1);
    assertThat(onWriter.keySet())
        .noneMatch(k -> k.startsWith("sessionCreated:") && !k.endsWith("DysessionHttpSession"));
  }

  @Test
  @Order(10)
  void malformedCookies_areIgnoredWithoutADynamoDbCall() throws Exception {
    String[] values = {
      "",
      "x",
      "%00",
      "' OR 1=1 --",
      "a".repeat(5000),
      "\"quoted\"",
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB",
      "../../etc/passwd",
      "<script>",
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",
      "A".repeat(42)
    };
    reset();
    for (String value : values) {
      CookieJarClient browser = new CookieJarClient();
      browser.setSessionId(value);
      HttpResponse<String> response = browser.send("GET", subject().op("touch"));
      assertThat(response.statusCode())
          .as("cookie %s", value.length() > 50 ? "long" : value)
          .isEqualTo(200);
      assertThat(response.body()).contains("\"hasSession\":false");
    }
    assertThat(calls(subject())).as("DynamoDB calls for malformed cookies").isEmpty();

    // A well-formed id that does not exist costs one read and is never adopted.
    CookieJarClient fixation = new CookieJarClient();
    String invented = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    fixation.setSessionId(invented);
    HttpResponse<String> issued =
        fixation.send("POST", subject().op("set", "name", "x", "value", "1"));
    Matcher m = SET_COOKIE.matcher(issued.headers().firstValue("Set-Cookie").orElse(""));
    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).isNotEqualTo(invented).matches("[A-Za-z0-9_-]{43}");
    assertThat(count(calls(subject()), "GetItem")).isEqualTo(1);
  }

  @Test
  @Order(11)
  void readOnlyRequest_makesExactlyOneGetItemAndNoWrite_andAnUntouchedRequestNone()
      throws Exception {
    CookieJarClient browser = new CookieJarClient();
    browser.json("POST", a.op("set", "name", "x", "value", "1"));
    reset();
    browser.json("GET", b.op("dump"));
    assertThat(longs(calls(b))).isEqualTo(Map.of("GetItem", 1L));
    reset();
    HttpResponse<String> ping = browser.send("GET", b.uri("ping"));
    assertThat(ping.statusCode()).isEqualTo(200);
    assertThat(calls(b)).isEmpty();
    reset();
    browser.json("POST", b.op("set", "name", "x", "value", "2"));
    assertThat(longs(calls(b))).isEqualTo(Map.of("GetItem", 1L, "UpdateItem", 1L));
  }

  @Test
  @Order(12)
  void unserializableValue_isRefusedBySetAttributeNamingAttributeAndClass() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    Map<String, Object> result =
        browser.json("POST", subject().op("unserializable", "name", "thing"));
    assertThat((String) result.get("error"))
        .startsWith("java.lang.IllegalArgumentException")
        .contains("'thing'")
        .contains("java.lang.Object");
  }

  @Test
  @Order(13)
  void oversizedSession_failsClearlyAndLeavesTheStoredSessionUnchanged() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    browser.json("POST", a.op("set", "name", "small", "value", "kept"));
    HttpResponse<String> big = browser.send("POST", b.op("big", "name", "huge", "kb", "900"));
    assertThat(big.statusCode()).isEqualTo(500);
    assertThat(attributes(browser.json("GET", a.op("dump"))))
        .containsEntry("small", "kept")
        .doesNotContainKey("huge");
    assertThat(b.log()).contains("'huge'").contains("over the limit");
  }

  @Test
  @Order(14)
  void invalidationOnOneInstance_isNotUndoneByAConcurrentRequestOnTheOther() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    browser.json("POST", a.op("set", "name", "x", "value", "1"));
    CompletableFuture<HttpResponse<String>> slow = slowSetOnA(browser, "late", "write");
    CookieJarClient other = new CookieJarClient();
    other.setSessionId(browser.sessionId());
    assertThat(other.json("POST", b.op("invalidate"))).containsEntry("invalidated", true);
    assertThat(slow.get().statusCode()).isEqualTo(200);
    assertThat(session(browser.json("GET", b.op("dump")))).isNull();
  }

  @Test
  @Order(15)
  void asynchronousRequest_usesDysessionsSessionAndSavesOnCompletion() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    browser.json("POST", subject().op("set", "name", "x", "value", "1"));
    HttpResponse<String> async = browser.send("POST", subject().uri("async?value=from-async"));
    assertThat(async.statusCode()).isEqualTo(200);
    assertThat(async.body()).isEqualTo("DysessionHttpSession");
    assertThat(attributes(browser.json("GET", witness().op("dump"))))
        .containsEntry("async", "from-async");
  }

  @Test
  @Order(16)
  void errorPage_seesTheSessionTheFailedRequestCreated() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    HttpResponse<String> failed = browser.send("POST", subject().uri("fail"));
    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(failed.body()).contains("error page: set");
    assertThat(
            failed.headers().allValues("Set-Cookie").stream()
                .filter(h -> h.startsWith("DYSESSION="))
                .count())
        .isEqualTo(1);
    assertThat(attributes(browser.json("GET", witness().op("dump"))))
        .containsEntry("beforeFailure", "set")
        .containsEntry("errorPageSaw", "set");
  }

  @Test
  @Order(17)
  void changeSessionIdThenResponseReset_stillGivesTheClientTheNewId() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    browser.json("POST", subject().op("set", "name", "x", "value", "1"));
    String oldId = browser.sessionId();
    browser.json("POST", subject().op("rotateThenReset", "name", "after", "value", "reset"));
    assertThat(browser.sessionId()).isNotEqualTo(oldId);
    assertThat(attributes(browser.json("GET", witness().op("dump"))))
        .containsEntry("x", "1")
        .containsEntry("after", "reset");
  }

  @Test
  @Order(18)
  void redirectWithAStatus_followedToTheOtherInstance_seesTheWrite() throws Exception {
    CookieJarClient browser = new CookieJarClient(HttpClient.Redirect.ALWAYS);
    browser.json("POST", b.op("set", "name", "start", "value", "yes"));
    Map<String, Object> landed =
        browser.json(
            "GET",
            a.op(
                "redirect",
                "name",
                "flash",
                "value",
                "303",
                "status",
                "303",
                "to",
                b.op("dump").toString()));
    assertThat(attributes(landed)).containsEntry("flash", "303");
  }

  @Test
  @Order(19)
  void metrics_countAScriptedSequenceOfRequests_byOperationOutcomeAndSession() throws Exception {
    assumeTrue(a.metricsUri().isPresent(), () -> a.name() + " has no MicroProfile Metrics here");
    Map<String, String> app = Map.of("app", "/app");
    MetricsText beforeA = metrics(a);
    MetricsText beforeB = b.metricsUri().isPresent() ? metrics(b) : null;

    CookieJarClient browser = new CookieJarClient();
    browser.json("POST", a.op("set", "name", "metered", "value", "1")); // a: PutItem
    browser.json("GET", b.op("dump")); // b: GetItem
    browser.json("POST", a.op("set", "name", "more", "value", "2")); // a: GetItem, UpdateItem
    browser.json("POST", a.op("invalidate")); // a: GetItem, DeleteItem

    MetricsText afterA = metrics(a);
    assertThat(delta(beforeA, afterA, "dysession_sessions_created_total", app)).isEqualTo(1);
    assertThat(delta(beforeA, afterA, "dysession_sessions_invalidated_total", app)).isEqualTo(1);
    assertThat(delta(beforeA, afterA, "dysession_dynamodb_calls_total", calls("PutItem", "ok")))
        .isEqualTo(1);
    assertThat(delta(beforeA, afterA, "dysession_dynamodb_calls_total", calls("UpdateItem", "ok")))
        .isEqualTo(1);
    assertThat(delta(beforeA, afterA, "dysession_dynamodb_calls_total", calls("GetItem", "ok")))
        .isEqualTo(2);
    // The expiry sweep may claim (delete) an expired session of another test meanwhile.
    assertThat(delta(beforeA, afterA, "dysession_dynamodb_calls_total", calls("DeleteItem", "ok")))
        .isGreaterThanOrEqualTo(1);
    Map<String, String> getItems = new java.util.HashMap<>(app);
    getItems.put("operation", "GetItem");
    assertThat(delta(beforeA, afterA, "dysession_dynamodb_call_duration_seconds_count", getItems))
        .as("timed GetItems")
        .isEqualTo(2);
    assertThat(delta(beforeA, afterA, "dysession_save_bytes_count", app)).as("saves").isEqualTo(2);
    if (beforeB != null) {
      MetricsText afterB = metrics(b);
      assertThat(delta(beforeB, afterB, "dysession_dynamodb_calls_total", calls("GetItem", "ok")))
          .isEqualTo(1);
      assertThat(delta(beforeB, afterB, "dysession_sessions_created_total", app)).isZero();

      // A slow request on a writes after two requests on b, the second of which read the first's
      // write: a's save is based on an older read, so it re-applies its change on top.
      CookieJarClient writer = new CookieJarClient();
      writer.json("POST", a.op("set", "name", "base", "value", "0"));
      MetricsText conflictsBeforeA = metrics(a);
      MetricsText conflictsBeforeB = metrics(b);
      CompletableFuture<HttpResponse<String>> slow = slowSetOnA(writer, "slow", "1");
      CookieJarClient other = new CookieJarClient();
      other.setSessionId(writer.sessionId());
      other.json("POST", b.op("set", "name", "fast", "value", "1"));
      other.json("POST", b.op("set", "name", "faster", "value", "1"));
      assertThat(slow.get().statusCode()).isEqualTo(200);
      double reapplied =
          delta(conflictsBeforeA, metrics(a), "dysession_conflicts_reapplied_total", app)
              + delta(conflictsBeforeB, metrics(b), "dysession_conflicts_reapplied_total", app);
      assertThat(reapplied).as("conflicts re-applied on a and b").isEqualTo(1);
      assertThat(attributes(other.json("GET", b.op("dump"))))
          .containsEntry("slow", "1")
          .containsEntry("fast", "1")
          .containsEntry("faster", "1");
    }
  }

  @Test
  @Order(20)
  void jmx_countsAScriptedSequence_onEveryServer() throws Exception {
    AppServer subject = subject();
    AppServer witness = witness();
    Map<String, Object> beforeS = jmx(subject);
    Map<String, Object> beforeW = jmx(witness);

    CookieJarClient browser = new CookieJarClient();
    browser.json("POST", subject.op("set", "name", "jmx", "value", "1")); // PutItem
    browser.json("GET", witness.op("dump")); // witness: GetItem
    browser.json("POST", subject.op("set", "name", "more", "value", "2")); // GetItem, UpdateItem
    browser.json("POST", subject.op("invalidate")); // GetItem, DeleteItem

    Map<String, Object> afterS = jmx(subject);
    Map<String, Object> afterW = jmx(witness);
    assertThat(jmxDelta(beforeS, afterS, "SessionsCreated")).isEqualTo(1);
    assertThat(jmxDelta(beforeS, afterS, "SessionsInvalidated")).isEqualTo(1);
    assertThat(jmxDelta(beforeS, afterS, "Saves")).isEqualTo(2);
    assertThat(jmxDelta(beforeS, afterS, "SavedBytes")).isPositive();
    assertThat(jmxCalls(beforeS, afterS, "PutItem ok")).isEqualTo(1);
    assertThat(jmxCalls(beforeS, afterS, "GetItem ok")).isEqualTo(2);
    assertThat(jmxCalls(beforeS, afterS, "UpdateItem ok")).isEqualTo(1);
    // The expiry sweep may claim (delete) an expired session of another test meanwhile.
    assertThat(jmxCalls(beforeS, afterS, "DeleteItem ok")).isGreaterThanOrEqualTo(1);
    assertThat(jmxDelta(beforeS, afterS, "DynamoDbCallMillis")).isPositive();
    assertThat(jmxDelta(beforeW, afterW, "SessionsCreated")).isZero();
    assertThat(jmxCalls(beforeW, afterW, "GetItem ok")).isEqualTo(1);
    assertThat(afterS).containsEntry("Application", "/app");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> jmx(AppServer server) throws Exception {
    Map<String, Object> jmx =
        (Map<String, Object>) control.json("GET", server.op("jmx")).get("jmx");
    assertThat(jmx).as("JMX metrics of %s", server.name()).doesNotContainKey("error");
    return jmx;
  }

  private static double jmxDelta(
      Map<String, Object> before, Map<String, Object> after, String key) {
    return ((Number) after.get(key)).doubleValue() - ((Number) before.get(key)).doubleValue();
  }

  @SuppressWarnings("unchecked")
  private static long jmxCalls(Map<String, Object> before, Map<String, Object> after, String key) {
    Map<String, Number> b = (Map<String, Number>) before.get("DynamoDbCallsByOperation");
    Map<String, Number> a = (Map<String, Number>) after.get("DynamoDbCallsByOperation");
    return a.getOrDefault(key, 0).longValue() - b.getOrDefault(key, 0).longValue();
  }

  /**
   * Starts a request on a that sets {@code name} and then holds its session for 1.5 s before it is
   * saved; returns once that request is under way (0.5 s later).
   */
  private CompletableFuture<HttpResponse<String>> slowSetOnA(
      CookieJarClient browser, String name, String value) throws InterruptedException {
    CompletableFuture<HttpResponse<String>> slow =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return browser.send(
                    "POST", a.op("setSlow", "name", name, "value", value, "ms", "1500"));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(500);
    return slow;
  }

  private static Map<String, String> calls(String operation, String outcome) {
    return Map.of("app", "/app", "operation", operation, "outcome", outcome);
  }

  private static MetricsText metrics(AppServer server) throws Exception {
    HttpResponse<String> answer =
        new CookieJarClient().send("GET", server.metricsUri().orElseThrow());
    assertThat(answer.statusCode()).as("metrics of %s", server.name()).isEqualTo(200);
    return new MetricsText(answer.body());
  }

  private static double delta(
      MetricsText before, MetricsText after, String name, Map<String, String> labels) {
    return after.sum(name, labels) - before.sum(name, labels);
  }

  @Test
  @Order(100)
  void dynamoDbDown_answers503AndNeverReplacesTheSession_andAfterRestartSessionsAreIntact()
      throws Exception {
    long outageLinesBefore = outageLines(a);
    long requestLinesBefore = requestOutageLines(a);
    CookieJarClient browser = new CookieJarClient();
    browser.json("POST", a.op("set", "name", "survivor", "value", "still here"));
    browser.json("POST", a.uri("api/counter"));
    String id = browser.sessionId();
    for (AppServer server : new AppServer[] {a, b}) {
      assertReadiness(server, 200, "UP");
    }
    dynalite.kill();
    try {
      for (AppServer server : new AppServer[] {a, b}) {
        assertReadiness(server, 503, "DOWN");
      }
      for (AppServer server : new AppServer[] {a, b, a}) {
        HttpResponse<String> down = browser.send("GET", server.op("dump"));
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.headers().firstValue("Retry-After")).isPresent();
        assertThat(browser.sessionId()).as("no new session replaces the old one").isEqualTo(id);
      }
      HttpResponse<String> newSession =
          new CookieJarClient().send("POST", b.op("set", "name", "y", "value", "1"));
      assertThat(newSession.statusCode()).isEqualTo(503);
    } finally {
      dynalite.restart();
    }
    for (AppServer server : new AppServer[] {a, b}) {
      assertThat(assertReadiness(server, 200, "UP"))
          .as("readiness after the outage")
          .satisfies(
              body -> {
                if (server.readinessUri().isPresent()) {
                  assertThat(body).contains("lastOutage");
                }
              });
    }
    Map<String, Object> back = browser.json("GET", b.op("dump"));
    assertThat(attributes(back)).containsEntry("survivor", "still here");
    assertThat(number(browser.json("GET", a.uri("api/counter")).get("count"))).isEqualTo(1);
    assertThat(browser.sessionId()).isEqualTo(id);
    // Six applications on a: one line per outage and application at most, not one per request.
    assertThat(outageLines(a) - outageLinesBefore)
        .as("log lines of the outage on a")
        .isBetween(1L, 6L);
    // The four failed requests of /app: at most one line (none when its sweep met the outage
    // first).
    assertThat(requestOutageLines(a) - requestLinesBefore)
        .as("log lines of the failed requests on a")
        .isLessThanOrEqualTo(1);
    assertThat(a.log()).contains("DynamoDB calls succeed again");
    assertThat(a.log() + b.log()).doesNotContain(id);
  }

  /**
   * Whether the server under test makes a session of its own when credentials are posted to {@code
   * j_security_check} (TomEE runs its FORM mechanism there outside CDI interception); dysession
   * then ends it at once.
   */
  boolean containerSessionAtCredentialPostback() {
    return false;
  }

  /**
   * Logins on the same pair of instances (the login test application is deployed beside the test
   * application): a login on one instance holds on the other.
   */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Logins extends LoginScenarios {

    @Override
    AppServer a() {
      return AbstractSessionSharingIT.this.witness();
    }

    @Override
    AppServer b() {
      return AbstractSessionSharingIT.this.subject();
    }

    @Override
    boolean containerSessionAtCredentialPostback() {
      return AbstractSessionSharingIT.this.containerSessionAtCredentialPostback();
    }

    @Override
    void storeLoginMechanism(String id, String mechanism) {
      var settings =
          io.github.dysession.config.DysessionSettings.from(
              io.github.dysession.config.SettingsSource.of(Map.of()));
      String pk = settings.partitionKeyName();
      try (var client =
          io.github.dysession.it.support.DynamoDbClients.forEndpoint(dynalite.endpoint())) {
        Map<String, AttributeValue> key = new java.util.HashMap<>(storedItem(id));
        key.keySet().retainAll(List.of(pk, settings.sortKeyName()));
        client.updateItem(
            u ->
                u.tableName(table())
                    .key(key)
                    .updateExpression("SET #login.#mechanism = :mechanism")
                    .expressionAttributeNames(
                        Map.of("#login", "ds_login", "#mechanism", "mechanism"))
                    .expressionAttributeValues(
                        Map.of(":mechanism", AttributeValue.fromS(mechanism))));
      }
    }
  }
}
