package io.github.dysession.it.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.it.support.CookieJarClient;
import io.github.dysession.it.support.PayaraMicro;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Security of the session id on the {@link SharedCluster}'s two Payara Micro 6 instances: session
 * fixation (an id the client invented is never adopted, even a well-formed one, and {@code
 * changeSessionId} retires the old id), the cookie's flags, the id's length and alphabet, and that
 * no session id issued (or sent) during the run appears in any server log, even after the library
 * logged about sessions (invalidation during a request, damaged attributes, an oversized session, a
 * DynamoDB outage).
 */
@ExtendWith(SharedCluster.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SecurityIT {

  private static final String ID = "[A-Za-z0-9_-]{43}";

  private ProofCluster cluster;
  private final BadCookies cookies = new BadCookies(17L);

  @BeforeAll
  void start(ProofCluster shared) {
    cluster = shared;
  }

  @Test
  @Order(1)
  void anIdTheClientInvented_isNeverAdopted_evenWellFormed() throws Exception {
    for (PayaraMicro server : cluster.instances()) {
      for (String how : new String[] {"servlet", "bean"}) {
        String invented = cookies.wellFormedId();
        CookieJarClient attacker = cluster.client();
        attacker.setSessionId(invented);
        CookieJarClient.Answer answer =
            how.equals("servlet")
                ? attacker.send("POST", server.op("set", "name", "x", "value", "1"))
                : attacker.send("POST", server.uri("api/counter"));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.sessionCookies()).as("a new id is issued").hasSize(1);
        assertThat(attacker.sessionId()).matches(ID).isNotEqualTo(invented);
        assertThat(cluster.item(invented)).as("no item under the invented id").isEmpty();
        assertThat(cluster.item(attacker.sessionId()))
            .as("an item under the issued id")
            .isPresent();
      }
    }

    // Fixation: the attacker plants an id in the victim's browser, the victim signs in.
    String planted = cookies.wellFormedId();
    CookieJarClient victim = cluster.client();
    victim.setSessionId(planted);
    victim.json("POST", cluster.a().op("set", "name", "user", "value", "alice"));
    assertThat(victim.sessionId()).isNotEqualTo(planted);
    CookieJarClient attacker = cluster.client();
    attacker.setSessionId(planted);
    for (PayaraMicro server : cluster.instances()) {
      assertThat(attacker.json("GET", server.op("dump")).get("session"))
          .as("on %s", server.name())
          .isNull();
    }

    // Nor is an id offered anywhere but in the cookie: URL path parameters, the query string.
    CookieJarClient owner = cluster.client();
    owner.json("POST", cluster.a().op("set", "name", "secret", "value", "s3cret"));
    String real = owner.sessionId();
    for (PayaraMicro server : cluster.instances()) {
      for (String path :
          new String[] {
            "s;DYSESSION=" + real + "?op=dump",
            "s;jsessionid=" + real + "?op=dump",
            "s?op=dump&DYSESSION=" + real,
            "s?op=dump&jsessionid=" + real
          }) {
        CookieJarClient stranger = cluster.client();
        CookieJarClient.Answer answer = stranger.send("GET", server.uri(path));
        assertThat(answer.status()).as(path.replace(real, "<id>")).isIn(200, 400, 404);
        assertThat(answer.body()).as(path.replace(real, "<id>")).doesNotContain("s3cret");
      }
    }

    // An id that once existed but was invalidated is not brought back either.
    CookieJarClient old = cluster.client();
    old.json("POST", cluster.a().op("set", "name", "x", "value", "1"));
    String retired = old.sessionId();
    old.json("POST", cluster.b().op("invalidate"));
    CookieJarClient replay = cluster.client();
    replay.setSessionId(retired);
    replay.json("POST", cluster.a().op("set", "name", "x", "value", "2"));
    assertThat(replay.sessionId()).isNotEqualTo(retired);
    assertThat(cluster.item(retired)).isEmpty();

    // Quoted, the invented id is still not adopted.
    String quoted = cookies.wellFormedId();
    cluster.remember(quoted);
    RawHttp.Answer raw =
        RawHttp.send(
            cluster.b().baseUri(),
            "POST",
            cluster.b().baseUri().getPath() + "s?op=set&name=x&value=1",
            List.of(BadCookies.latin1("Cookie: DYSESSION=\"" + quoted + "\"")));
    assertThat(raw.status()).isEqualTo(200);
    assertThat(raw.setCookies()).hasSize(1).noneMatch(h -> h.contains(quoted));
    raw.setCookies()
        .forEach(
            h -> cluster.remember(h.substring(ProofCluster.COOKIE.length() + 1).split(";", 2)[0]));
    assertThat(cluster.item(quoted)).isEmpty();
  }

  @Test
  @Order(2)
  void changeSessionId_keepsTheStateUnderANewId_andRetiresTheOldOne() throws Exception {
    CookieJarClient victim = cluster.client();
    victim.json("POST", cluster.a().op("set", "name", "cart", "value", "3 books"));
    victim.json("POST", cluster.b().uri("api/counter"));
    String oldId = victim.sessionId();
    CookieJarClient.Answer rotated = victim.send("POST", cluster.b().op("rotate"));
    assertThat(rotated.status()).isEqualTo(200);
    String newId = victim.sessionId();
    assertThat(newId).matches(ID).isNotEqualTo(oldId);
    assertThat(rotated.sessionCookies()).hasSize(1);
    assertFlags(rotated.sessionCookies().get(0));
    assertThat(cluster.item(oldId)).as("the old item is deleted").isEmpty();
    assertThat(cluster.item(newId)).as("the new item").isPresent();
    assertThat(attributes(victim.json("GET", cluster.a().op("dump"))))
        .containsEntry("cart", "3 books");
    assertThat(
            ((Number) victim.json("GET", cluster.a().uri("api/counter")).get("count")).intValue())
        .isEqualTo(1);

    CookieJarClient attacker = cluster.client();
    attacker.setSessionId(oldId);
    for (PayaraMicro server : cluster.instances()) {
      assertThat(attacker.json("GET", server.op("dump")).get("session"))
          .as("old id on %s", server.name())
          .isNull();
    }
    attacker.json("POST", cluster.a().op("set", "name", "cart", "value", "stolen"));
    assertThat(attacker.sessionId()).isNotEqualTo(oldId).isNotEqualTo(newId);
    assertThat(attributes(victim.json("GET", cluster.b().op("dump"))))
        .containsEntry("cart", "3 books");
  }

  @Test
  @Order(3)
  void sessionCookie_isHttpOnlySameSiteLaxWithThePathAndNotSecureOnHttp() throws Exception {
    for (PayaraMicro server : cluster.instances()) {
      CookieJarClient client = cluster.client();
      CookieJarClient.Answer created =
          client.send("POST", server.op("set", "name", "x", "value", "1"));
      assertThat(created.sessionCookies()).hasSize(1);
      assertFlags(created.sessionCookies().get(0));
      CookieJarClient.Answer invalidated = client.send("POST", server.op("invalidate"));
      assertThat(invalidated.sessionCookies()).as("the cookie is cleared").hasSize(1);
      String clear = invalidated.sessionCookies().get(0);
      assertThat(clear).startsWith("DYSESSION=;").contains("; Max-Age=0");
      assertFlags(clear);
    }
    java.net.http.HttpResponse<String> response =
        cluster
            .http()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        cluster.a().op("set", "name", "x", "value", "1"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    response
        .headers()
        .allValues("Set-Cookie")
        .forEach(h -> cluster.remember(h.replaceFirst("^[^=]*=", "").split(";", 2)[0]));
    assertThat(response.headers().allValues("Set-Cookie"))
        .as("only dysession's cookie, no JSESSIONID")
        .hasSize(1)
        .allMatch(h -> h.startsWith("DYSESSION="));
  }

  @Test
  @Order(4)
  void ids_are43Base64urlCharactersOf32RandomBytes_andUnique() throws Exception {
    int n = 200;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<String>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        PayaraMicro server = i % 2 == 0 ? cluster.a() : cluster.b();
        futures.add(
            pool.submit(
                () -> {
                  CookieJarClient client = cluster.client();
                  client.json("POST", server.op("set", "name", "x", "value", "1"));
                  return client.sessionId();
                }));
      }
      Set<String> ids = new HashSet<>();
      long ones = 0;
      for (Future<String> f : futures) {
        String id = f.get(1, TimeUnit.MINUTES);
        assertThat(id).hasSize(43).matches(ID);
        byte[] bytes = Base64.getUrlDecoder().decode(id);
        assertThat(bytes).hasSize(32);
        assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes))
            .as("canonical")
            .isEqualTo(id);
        for (byte b : bytes) {
          ones += Integer.bitCount(b & 0xff);
        }
        ids.add(id);
      }
      assertThat(ids).as("distinct").hasSize(n);
      // 51,200 random bits: half of them ones, give or take far less than 2 % (about 9 standard
      // deviations).
      assertThat(ones / (n * 256.0)).isBetween(0.48, 0.52);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @Order(5)
  void noSessionIdIssuedOrSentDuringTheRun_appearsInAnyServerLog() throws Exception {
    // Make the library log about sessions first.
    List<String> loggedAbout = new ArrayList<>();
    // 1. A request still writing while another instance invalidates its session (INFO).
    CookieJarClient slow = cluster.client();
    slow.json("POST", cluster.a().op("set", "name", "x", "value", "1"));
    String slowId = slow.sessionId();
    CompletableFuture<CookieJarClient.Answer> late =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return slow.send(
                    "POST", cluster.a().op("setSlow", "name", "late", "value", "v", "ms", "1000"));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(300);
    CookieJarClient other = cluster.client();
    other.setSessionId(slowId);
    other.json("POST", cluster.b().op("invalidate"));
    assertThat(late.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
    loggedAbout.add(slowId);
    // 2. A damaged attribute (ERROR).
    CookieJarClient damaged = cluster.client();
    damaged.json("POST", cluster.b().op("set", "name", "x", "value", "1"));
    cluster.putRawAttribute(
        damaged.sessionId(),
        "broken",
        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromB(
            software.amazon.awssdk.core.SdkBytes.fromByteArray(new byte[] {0x7f})));
    damaged.json("GET", cluster.a().op("dump"));
    loggedAbout.add(damaged.sessionId());
    // 3. An oversized session (ERROR, 500 by design).
    CookieJarClient big = cluster.client();
    big.json("POST", cluster.a().op("set", "name", "x", "value", "1"));
    assertThat(big.send("POST", cluster.b().op("big", "name", "huge", "kb", "900")).status())
        .isEqualTo(500);
    loggedAbout.add(big.sessionId());
    // 4. A short DynamoDB outage (ERROR once, INFO when it is back).
    CookieJarClient during = cluster.client();
    during.json("POST", cluster.a().op("set", "name", "x", "value", "1"));
    cluster.dynalite().kill();
    try {
      for (PayaraMicro server : cluster.instances()) {
        assertThat(during.send("GET", server.op("dump")).status()).isEqualTo(503);
      }
    } finally {
      cluster.dynalite().restart();
    }
    assertThat(during.send("GET", cluster.a().op("dump")).status()).isEqualTo(200);

    Thread.sleep(500);
    String logs = cluster.logs();
    for (String id : loggedAbout) {
      assertThat(logs).as("the log names sessions by fingerprint").contains(fingerprint(id));
    }
    Set<String> ids = cluster.rememberedIds();
    assertThat(ids.size()).as("ids issued or sent during the run").isGreaterThanOrEqualTo(200);
    assertThat(cluster.idsInLogs()).as("session ids found in the server logs").isEmpty();
    System.out.println(
        "[SecurityIT] "
            + ids.size()
            + " session ids issued or sent; none in "
            + logs.length()
            + " characters of server and dynalite logs");
  }

  private static void assertFlags(String setCookie) {
    assertThat(setCookie)
        .contains("; Path=/app")
        .contains("; HttpOnly")
        .contains("; SameSite=Lax")
        .doesNotContainIgnoringCase("secure")
        .doesNotContainIgnoringCase("domain");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> attributes(Map<String, Object> dump) {
    Map<String, Object> session = (Map<String, Object>) dump.get("session");
    assertThat(session).as("session in %s", dump).isNotNull();
    return (Map<String, Object>) session.get("attributes");
  }

  /** dysession's log name for a session: '#' and the first 8 hex digits of the id's SHA-256. */
  private static String fingerprint(String id) throws Exception {
    byte[] hash = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
    return "#" + HexFormat.of().formatHex(hash, 0, 4);
  }
}
