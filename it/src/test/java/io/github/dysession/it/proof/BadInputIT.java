package io.github.dysession.it.proof;

import static io.github.dysession.codec.CodecForms.deflated;
import static io.github.dysession.codec.CodecForms.javaSerialized;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.codec.CodecForms;
import io.github.dysession.it.support.CookieJarClient;
import io.github.dysession.it.support.PayaraMicro;
import java.io.ByteArrayOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Bad input on the {@link SharedCluster}'s two Payara Micro 6 instances:
 *
 * <ul>
 *   <li>at least 1,000 malformed session cookies (empty, huge, non-ASCII, control characters,
 *       injection-like, quotes, semicolons, several DYSESSION cookies, near-miss ids) sent byte for
 *       byte over a socket: no 5xx, no session, and no DynamoDB call at all (the instances' own
 *       call counters); well-formed ids that do not exist cost exactly one {@code GetItem} each;
 *   <li>a malformed cookie on a request that creates a session gets a fresh id, never the sent one;
 *   <li>attributes damaged directly in the table (AWS SDK {@code UpdateItem} on the item's {@code
 *       ds_attrs} map) are dropped alone and the rest of the session is served;
 *   <li>stored values of classes outside the deserialization allow-list are refused, with an ERROR
 *       naming the attribute.
 * </ul>
 *
 * {@code dysession.proof.malformed} (1000) and {@code dysession.proof.wellFormedUnknown} (100) set
 * the numbers of cookies.
 */
@ExtendWith(SharedCluster.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class BadInputIT {

  private static final Pattern ID_SHAPED = Pattern.compile("[A-Za-z0-9_-]{43}");

  private ProofCluster cluster;
  private final Map<String, String> figures = new LinkedHashMap<>();
  private final BadCookies cookies = new BadCookies(20261125L);

  @BeforeAll
  void start(ProofCluster shared) {
    cluster = shared;
    figures.put("instances", "2 Payara Micro 6, one dynalite");
  }

  @AfterAll
  void publish() {
    if (figures.size() > 1) {
      Report.publish("bad-input", figures);
    }
  }

  @Test
  @Order(1)
  void malformedCookies_neverAnswer5xx_createNoSession_andCostNoDynamoDbCall() throws Exception {
    int malformed = Scale.integer("malformed", 1000);
    int wellFormed = Scale.integer("wellFormedUnknown", 100);
    List<BadCookies.Case> cases = cookies.generate(malformed, wellFormed);
    remember(cases);
    cluster.resetCounts();
    PayaraMicro a = cluster.a();
    PayaraMicro b = cluster.b();
    Map<PayaraMicro, AtomicLong> expectedReads = Map.of(a, new AtomicLong(), b, new AtomicLong());
    Map<String, AtomicLong> statuses = new ConcurrentHashMap<>();
    // Counted on this thread only, as each case is sent.
    Map<String, AtomicLong> categories = new java.util.TreeMap<>();
    Map<String, AtomicLong> refusedByContainer = new ConcurrentHashMap<>();
    List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    long t0 = System.nanoTime();
    try {
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < cases.size(); i++) {
        BadCookies.Case c = cases.get(i);
        PayaraMicro server = i % 2 == 0 ? a : b;
        categories.computeIfAbsent(c.category(), k -> new AtomicLong()).incrementAndGet();
        sent.add(
            pool.submit(
                () -> {
                  RawHttp.Answer answer =
                      RawHttp.send(
                          server.baseUri(),
                          "GET",
                          server.baseUri().getPath() + "s?op=touch",
                          c.headers());
                  String key =
                      answer.status() < 0 ? "closed without an answer" : "HTTP " + answer.status();
                  statuses.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
                  String what = c.category() + " (" + c.size() + " bytes)";
                  if (answer.status() == 200) {
                    // Only requests that reached the application may cost a read; the container
                    // refuses
                    // some header bytes itself (400) before any filter runs.
                    expectedReads.get(server).addAndGet(c.reads());
                  } else if (answer.status() >= 400 && answer.status() < 500) {
                    refusedByContainer
                        .computeIfAbsent(
                            c.category() + " " + answer.status(), k -> new AtomicLong())
                        .incrementAndGet();
                  }
                  if (answer.status() >= 500) {
                    violations.add(
                        what + ": HTTP " + answer.status() + " " + abbreviate(answer.body()));
                  } else if (answer.status() == 200
                      && !answer.body().contains("\"hasSession\":false")) {
                    violations.add(what + ": a session was found: " + abbreviate(answer.body()));
                  } else if (!answer.setCookies().isEmpty()) {
                    violations.add(what + ": Set-Cookie " + answer.setCookies());
                  } else if (answer.status() < 0 && c.size() <= 16 * 1024) {
                    violations.add(what + ": no answer (" + answer.error() + ")");
                  } else if (answer.status() != 200
                      && answer.status() != 400
                      && answer.status() != 413
                      && answer.status() != 431
                      && answer.status() >= 0) {
                    violations.add(what + ": unexpected HTTP " + answer.status());
                  }
                }));
      }
      for (Future<?> f : sent) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Long> callsA = cluster.calls(a);
    Map<String, Long> callsB = cluster.calls(b);
    long malformedCount = cases.stream().filter(c -> c.reads() == 0).count();
    long wellFormedCount = cases.size() - malformedCount;
    long reads = callsA.getOrDefault("GetItem", 0L) + callsB.getOrDefault("GetItem", 0L);
    long wellFormedServed = expectedReads.get(a).get() + expectedReads.get(b).get();

    figures.put(
        "malformed cookie values tried",
        malformedCount
            + " ("
            + format(
                new TreeMap<>(
                    categories.entrySet().stream()
                        .filter(e -> !e.getKey().startsWith("well-formed"))
                        .collect(
                            java.util.stream.Collectors.toMap(
                                Map.Entry::getKey, e -> e.getValue().get()))))
            + ")");
    figures.put("well-formed ids that do not exist tried", Long.toString(wellFormedCount));
    figures.put("answers to the malformed and unknown cookies", format(toLongs(statuses)));
    figures.put(
        "5xx answers",
        Long.toString(
            statuses.entrySet().stream()
                .filter(e -> e.getKey().startsWith("HTTP 5"))
                .mapToLong(e -> e.getValue().get())
                .sum()));
    figures.put(
        "refused by the container before the application (HTTP 4xx), by category",
        format(toLongs(refusedByContainer)));
    figures.put(
        "DynamoDB calls for malformed cookies",
        Long.toString(reads - wellFormedServed)
            + " (GetItem calls: "
            + reads
            + ", one per well-formed unknown id that reached the application; other calls: "
            + (sumOthers(callsA) + sumOthers(callsB))
            + ")");
    figures.put(
        "throughput of the malformed-cookie run",
        String.format("%.0f requests/s", cases.size() / seconds));

    assertThat(malformedCount).isGreaterThanOrEqualTo(Math.min(1000, malformed));
    assertThat(violations)
        .as("answers that are 5xx, carry a session or Set-Cookie, or are missing")
        .isEmpty();
    assertThat(callsA.getOrDefault("GetItem", 0L))
        .as("GetItem calls on a")
        .isEqualTo(expectedReads.get(a).get());
    assertThat(callsB.getOrDefault("GetItem", 0L))
        .as("GetItem calls on b")
        .isEqualTo(expectedReads.get(b).get());
    assertThat(sumOthers(callsA) + sumOthers(callsB))
        .as("calls other than GetItem: %s %s", callsA, callsB)
        .isZero();
    for (PayaraMicro server : cluster.instances()) {
      assertThat(
              cluster
                  .http()
                  .send(
                      java.net.http.HttpRequest.newBuilder(server.uri("ping")).build(),
                      java.net.http.HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .as("%s still answers", server)
          .isEqualTo(200);
    }
  }

  @Test
  @Order(2)
  void malformedCookieOnARequestThatCreatesASession_getsAFreshIdNeverTheSentOne() throws Exception {
    List<BadCookies.Case> cases = cookies.ordinaryMalformed(100);
    remember(cases);
    cluster.resetCounts();
    Map<String, Long> statuses = new TreeMap<>();
    List<String> violations = new ArrayList<>();
    int created = 0;
    for (int i = 0; i < cases.size(); i++) {
      BadCookies.Case c = cases.get(i);
      PayaraMicro server = i % 2 == 0 ? cluster.a() : cluster.b();
      RawHttp.Answer answer =
          RawHttp.send(
              server.baseUri(), "POST", server.baseUri().getPath() + "api/counter", c.headers());
      statuses.merge(
          answer.status() < 0 ? "closed without an answer" : "HTTP " + answer.status(),
          1L,
          Long::sum);
      if (answer.status() != 200) {
        if (answer.status() >= 500 || answer.status() < 0) {
          violations.add(c.category() + ": " + answer.status() + " " + abbreviate(answer.body()));
        }
        continue;
      }
      created++;
      String sent = new String(join(c.headers()), StandardCharsets.ISO_8859_1);
      List<String> ids =
          answer.setCookies().stream()
              .filter(h -> h.startsWith(ProofCluster.COOKIE + "="))
              .map(h -> h.substring(ProofCluster.COOKIE.length() + 1).split(";", 2)[0])
              .toList();
      ids.forEach(cluster::remember);
      if (ids.size() != 1
          || !ids.get(0).matches("[A-Za-z0-9_-]{43}")
          || sent.contains(ids.get(0))) {
        violations.add(c.category() + ": Set-Cookie " + answer.setCookies());
      }
      if (!answer.body().contains("\"count\":1,")) {
        violations.add(c.category() + ": not a fresh counter: " + abbreviate(answer.body()));
      }
    }
    Map<String, Long> calls = new TreeMap<>();
    for (PayaraMicro server : cluster.instances()) {
      cluster.calls(server).forEach((k, v) -> calls.merge(k, v, Long::sum));
    }
    figures.put(
        "malformed cookies on a request that creates a session",
        cases.size()
            + " (answers "
            + format(statuses)
            + "; every new session got a fresh id; DynamoDB calls "
            + format(calls)
            + ")");

    assertThat(violations).isEmpty();
    assertThat(created).as("sessions created").isPositive();
    assertThat(calls)
        .as("one PutItem per new session, no read")
        .isEqualTo(Map.of("PutItem", (long) created));
  }

  @Test
  @Order(3)
  void aRealSessionIsFoundBesideMalformedDuplicatesOfItsCookie() throws Exception {
    CookieJarClient client = cluster.client();
    client.json("POST", cluster.a().op("set", "name", "keep", "value", "kept"));
    String id = client.sessionId();
    List<String> headers =
        List.of(
            "Cookie: DYSESSION=junk; DYSESSION=" + id,
            "Cookie: DYSESSION=" + id + "; DYSESSION=junk",
            "Cookie: DYSESSION=\"" + id + "\"",
            "Cookie: x=\"unterminated; DYSESSION=" + id,
            "Cookie: DYSESSION=" + "A".repeat(5000) + "; DYSESSION=" + id);
    for (String header : headers) {
      for (PayaraMicro server : cluster.instances()) {
        RawHttp.Answer answer =
            RawHttp.send(
                server.baseUri(),
                "GET",
                server.baseUri().getPath() + "s?op=touch",
                List.of(BadCookies.latin1(header)));
        assertThat(answer.status()).as(header.replace(id, "<id>")).isEqualTo(200);
        assertThat(answer.body()).as(header.replace(id, "<id>")).contains("\"hasSession\":true");
      }
    }
  }

  @Test
  @Order(4)
  void attributesDamagedInTheTable_areDroppedAlone_andTheRestOfTheSessionIsServed()
      throws Exception {
    CookieJarClient client = cluster.client();
    client.json("POST", cluster.a().op("set", "name", "keep", "value", "kept"));
    client.json("POST", cluster.b().op("incr", "name", "n"));
    client.json("POST", cluster.a().uri("api/counter"));
    String id = client.sessionId();

    Map<String, AttributeValue> damage = new LinkedHashMap<>();
    damage.put("bad-tag", binary(0x7f, 1, 2, 3));
    damage.put(
        "bad-java-stream", binary(CodecForms.JAVA, 0xac, 0xed, 0x00, 0x05, 0x73, 0x72, 0xff, 0xff));
    damage.put("bad-deflate", binary(CodecForms.DEFLATED, 1, 2, 3, 4, 5));
    damage.put(
        "bad-json",
        AttributeValue.fromB(
            SdkBytes.fromByteArray(concat(new byte[] {CodecForms.JSON}, "I\0not a number"))));
    damage.put(
        "json-without-type",
        AttributeValue.fromB(
            SdkBytes.fromByteArray(concat(new byte[] {CodecForms.JSON}, "\"x\""))));
    damage.put(
        "bad-descriptor",
        AttributeValue.fromB(
            SdkBytes.fromByteArray(concat(new byte[] {CodecForms.JSON}, "L<<Q\0[1]"))));
    damage.put(
        "json-null",
        AttributeValue.fromB(
            SdkBytes.fromByteArray(concat(new byte[] {CodecForms.JSON}, "S\0null"))));
    damage.put("deflate-bomb", AttributeValue.fromB(SdkBytes.fromByteArray(deflateBomb())));
    damage.put("stored-as-string", AttributeValue.fromS("plain text"));
    damage.put("stored-as-number", AttributeValue.fromN("42"));
    damage.put("stored-as-map", AttributeValue.fromM(Map.of("x", AttributeValue.fromS("y"))));
    damage.put("empty-bytes", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[0])));
    List<String> written = new ArrayList<>();
    for (Map.Entry<String, AttributeValue> e : damage.entrySet()) {
      try {
        cluster.putRawAttribute(id, e.getKey(), e.getValue());
        written.add(e.getKey());
      } catch (software.amazon.awssdk.services.dynamodb.model.DynamoDbException refused) {
        // dynalite, like DynamoDB, may refuse a value (empty binary); then there is nothing to
        // drop.
        System.out.println(
            "[BadInputIT] the table refused attribute " + e.getKey() + ": " + refused.getMessage());
      }
    }
    assertThat(written).hasSizeGreaterThanOrEqualTo(damage.size() - 1);

    for (PayaraMicro server : cluster.instances()) {
      Map<String, Object> attributes = attributes(client.json("GET", server.op("dump")));
      assertThat(attributes).as("on %s", server.name()).containsEntry("keep", "kept");
      assertThat(((Number) attributes.get("n")).intValue())
          .as("n on %s", server.name())
          .isEqualTo(1);
      assertNotServed(attributes, written, server);
      assertThat(attributes)
          .as("the counter bean")
          .anySatisfy(
              (k, v) -> {
                assertThat(k).startsWith("io.github.dysession.bean.");
                assertThat(v).isEqualTo("Counter");
              });
    }
    // The session goes on working, on both instances.
    assertThat(
            ((Number) client.json("POST", cluster.a().op("incr", "name", "n")).get("value"))
                .intValue())
        .isEqualTo(2);
    assertThat(
            ((Number) client.json("POST", cluster.b().uri("api/counter")).get("count")).intValue())
        .isEqualTo(2);
    assertThat(client.sessionId()).isEqualTo(id);
    for (String name : written) {
      assertThat(awaitLogLine(name, "ERROR")).as("an ERROR line naming '%s'", name).isNotNull();
    }
    figures.put(
        "attributes damaged in the table",
        written.size()
            + " ("
            + String.join(", ", written)
            + "): each dropped alone with one ERROR line naming it; the other attributes and the"
            + " bean were served");
  }

  @Test
  @Order(5)
  void storedValuesOfClassesOutsideTheAllowList_areRefused_withAnErrorNamingTheAttribute()
      throws Exception {
    CookieJarClient client = cluster.client();
    client.json("POST", cluster.b().op("set", "name", "keep", "value", "kept"));
    String id = client.sessionId();
    Map<String, byte[]> evil = new LinkedHashMap<>();
    evil.put("evil-point", javaSerialized(new java.awt.Point(3, 4)));
    evil.put("evil-jmx", javaSerialized(new javax.management.BadAttributeValueExpException("x")));
    HashMap<String, Serializable> nested = new HashMap<>();
    nested.put("p", new java.awt.Point(1, 2));
    evil.put("evil-nested", javaSerialized(nested));
    evil.put("evil-deflated", deflated(javaSerialized(new java.awt.Point(5, 6))));
    // JSON descriptors name record classes; jdk.net.UnixDomainPrincipal is a JDK record outside the
    // allow-list.
    evil.put(
        "evil-json-record",
        concat(new byte[] {CodecForms.JSON}, "R:jdk.net.UnixDomainPrincipal\0{}"));
    evil.put(
        "evil-json-list",
        concat(new byte[] {CodecForms.JSON}, "L<R:jdk.net.UnixDomainPrincipal>\0[{}]"));
    for (Map.Entry<String, byte[]> e : evil.entrySet()) {
      cluster.putRawAttribute(
          id, e.getKey(), AttributeValue.fromB(SdkBytes.fromByteArray(e.getValue())));
    }
    for (PayaraMicro server : cluster.instances()) {
      Map<String, Object> attributes = attributes(client.json("GET", server.op("dump")));
      assertThat(attributes).as("on %s", server.name()).containsEntry("keep", "kept");
      assertNotServed(attributes, evil.keySet(), server);
    }
    List<String> lines = new ArrayList<>();
    for (String name : evil.keySet()) {
      String line = awaitLogLine(name, "ERROR");
      assertThat(line).as("an ERROR line naming '%s'", name).isNotNull();
      assertThat(line).as("the reason for '%s'", name).contains("refused").contains("allow-list");
      lines.add(line.replaceFirst("^.*?ERROR", "ERROR"));
    }
    System.out.println("[BadInputIT] refused: \n  " + String.join("\n  ", lines));
    figures.put(
        "stored values of classes outside the allow-list",
        evil.size()
            + " (java.awt.Point, javax.management.BadAttributeValueExpException, a Point inside a"
            + " HashMap, a deflated Point, JSON descriptors naming the record"
            + " jdk.net.UnixDomainPrincipal): all refused by the allow-list, each with an ERROR"
            + " line naming the attribute");
  }

  @Test
  @Order(6)
  void noSessionIdSentOrIssued_appearsInAServerLog() throws Exception {
    assertThat(cluster.rememberedIds()).isNotEmpty();
    assertThat(cluster.idsInLogs()).isEmpty();
  }

  /**
   * {@code getAttributeNames()} lists no attribute whose stored bytes cannot be decoded or are of a
   * refused class (decoding is lazy, so the names used to be listed with a null value until read).
   */
  @Test
  @Order(7)
  void droppedAttributes_areNotListedByGetAttributeNames() throws Exception {
    CookieJarClient client = cluster.client();
    client.json("POST", cluster.a().op("set", "name", "keep", "value", "kept"));
    cluster.putRawAttribute(
        client.sessionId(),
        "undecodable",
        AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0x7f})));
    cluster.putRawAttribute(
        client.sessionId(),
        "refused",
        AttributeValue.fromB(SdkBytes.fromByteArray(javaSerialized(new java.awt.Point(1, 1)))));
    assertThat(attributes(client.json("GET", cluster.b().op("dump"))))
        .containsEntry("keep", "kept")
        .doesNotContainKeys("undecodable", "refused");
  }

  /**
   * The test application lists every name and its value; a dropped attribute has no value ("null").
   */
  private static void assertNotServed(
      Map<String, Object> attributes, java.util.Collection<String> names, PayaraMicro server) {
    for (String name : names) {
      assertThat(attributes.get(name)).as("'%s' on %s", name, server.name()).isIn(null, "null");
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private void remember(List<BadCookies.Case> cases) {
    for (BadCookies.Case c : cases) {
      for (byte[] line : c.headers()) {
        if (line.length < 4096) {
          Matcher m = ID_SHAPED.matcher(new String(line, StandardCharsets.ISO_8859_1));
          while (m.find()) {
            cluster.remember(m.group());
          }
        }
      }
    }
  }

  /**
   * The first line of either instance's log that names the attribute and has {@code level}; waits
   * up to 5 s.
   */
  private String awaitLogLine(String attribute, String level) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    do {
      for (PayaraMicro server : cluster.instances()) {
        String found =
            server
                .log()
                .lines()
                .filter(l -> l.contains(" " + level + " ") && l.contains("'" + attribute + "'"))
                .findFirst()
                .orElse(null);
        if (found != null) {
          return found;
        }
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    return null;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> attributes(Map<String, Object> dump) {
    Map<String, Object> session = (Map<String, Object>) dump.get("session");
    assertThat(session).as("session in %s", dump).isNotNull();
    return (Map<String, Object>) session.get("attributes");
  }

  private static long sumOthers(Map<String, Long> calls) {
    return calls.entrySet().stream()
        .filter(e -> !e.getKey().equals("GetItem"))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  private static Map<String, Long> toLongs(Map<String, AtomicLong> counts) {
    Map<String, Long> result = new TreeMap<>();
    counts.forEach((k, v) -> result.put(k, v.get()));
    return result;
  }

  private static String format(Map<String, Long> counts) {
    return counts.toString().replaceAll("[{}]", "").replace("=", ": ");
  }

  private static String abbreviate(String s) {
    String one = s.replaceAll("\\s+", " ");
    return one.length() <= 200 ? one : one.substring(0, 200) + "...";
  }

  private static AttributeValue binary(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return AttributeValue.fromB(SdkBytes.fromByteArray(bytes));
  }

  private static byte[] concat(byte[] head, String tail) {
    byte[] t = tail.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + t.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(t, 0, out, head.length, t.length);
    return out;
  }

  private static byte[] join(List<byte[]> lines) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    lines.forEach(out::writeBytes);
    return out.toByteArray();
  }

  /** A small deflated value that would inflate to 32 MB (the codec stops at 16 MB). */
  private static byte[] deflateBomb() {
    byte[] plain = new byte[32 * 1024 * 1024];
    plain[0] = 0x01;
    plain[1] = 'S';
    return deflated(plain);
  }
}
