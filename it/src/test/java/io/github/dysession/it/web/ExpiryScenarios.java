package io.github.dysession.it.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.CookieJarClient;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Sessions that expire while both instances run end through the expiry sweep of {@code /users} (one
 * pass every 2 s on each instance): every callback of {@code invalidate()} fires exactly once in
 * total over both instances, within the bounded delay, and the items are gone; a session kept in
 * use is not claimed; {@code /users-oldest}, another key prefix in the same table with no sweep of
 * its own, keeps its expired session untouched.
 */
abstract class ExpiryScenarios extends PairScenarios {

  /** The longest delay README promises with a 2 s interval: the minute, 1.2 intervals, slack. */
  private static final Duration BOUND = Duration.ofSeconds(60 + 3 + 15);

  private static final List<String> KINDS =
      List.of("destroyed", "destroyedEvent", "preDestroyed", "unbound");

  private final CookieJarClient admin = new CookieJarClient("Expiry-Watcher/1");

  @SuppressWarnings("unchecked")
  private static Map<String, Object> call(CookieJarClient browser, URI uri) throws Exception {
    HttpResponse<String> response = browser.send("POST", uri);
    assertThat(response.statusCode()).as("%s answered %s", uri, response.body()).isEqualTo(200);
    return CookieJarClient.JSON.fromJson(response.body(), Map.class);
  }

  /** Returns, for each tag, each kind of callback counted on both instances together. */
  @SuppressWarnings("unchecked")
  private Map<String, Map<String, Integer>> ends(
      java.util.function.BiFunction<AppServer, String, URI> app, List<String> tags)
      throws Exception {
    Map<String, Map<String, Integer>> total = new LinkedHashMap<>();
    for (AppServer server : List.of(a(), b())) {
      Map<String, Object> byTag =
          (Map<String, Object>)
              call(admin, app.apply(server, "expiryEnds&tags=" + String.join(",", tags)))
                  .get("ends");
      for (String tag : tags) {
        Map<String, Object> counts = (Map<String, Object>) byTag.get(tag);
        for (String kind : KINDS) {
          total
              .computeIfAbsent(tag, t -> new LinkedHashMap<>())
              .merge(kind, ((Number) counts.get(kind)).intValue(), Integer::sum);
        }
      }
    }
    return total;
  }

  @Test
  void expiredSessions_endOnceOverBothInstances_withEveryCallback_touchedAndOtherPrefixOnesStay()
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<String> tags = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      CookieJarClient browser = new CookieJarClient("Expiring/" + i);
      String tag = "exp-" + run + "-" + i;
      call(
          browser,
          UserSessionsScenarios.users(i % 2 == 0 ? a() : b(), "tag&value=" + tag + "&seconds=2"));
      tags.add(tag);
      ids.add(browser.sessionId());
    }
    long expiredAt = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    CookieJarClient kept = new CookieJarClient("Kept/1");
    String keptTag = "kept-" + run;
    // 10 s: longer than the checks after the wait take on a loaded machine, far shorter than the
    // wait, through which it is used every second or so.
    call(kept, UserSessionsScenarios.users(a(), "tag&value=" + keptTag + "&seconds=10"));
    CookieJarClient other = new CookieJarClient("OtherPrefix/1");
    String otherTag = "other-" + run;
    call(other, UserSessionsScenarios.oldest(b(), "tag&value=" + otherTag + "&seconds=2"));
    String otherId = other.sessionId();

    // Wait until every expiring session has ended, using the kept one all the while.
    long deadline = expiredAt + BOUND.toNanos();
    long lastEnd = 0;
    int touches = 0;
    while (System.nanoTime() < deadline) {
      Thread.sleep(1_000);
      assertThat(call(kept, UserSessionsScenarios.users(touches++ % 2 == 0 ? b() : a(), "whoami")))
          .as("the session kept in use")
          .containsEntry("session", true);
      Map<String, Map<String, Integer>> seen = ends(UserSessionsScenarios::users, tags);
      if (seen.values().stream().allMatch(c -> c.get("destroyed") >= 1)) {
        lastEnd = System.nanoTime();
        break;
      }
    }
    assertThat(lastEnd).as("every expired session ended within %s", BOUND).isPositive();
    long delaySeconds = Duration.ofNanos(lastEnd - expiredAt).toSeconds();
    System.out.println(
        "[expiry] "
            + pair().getClass().getSimpleName()
            + ": 6 sessions ended at most "
            + delaySeconds
            + " s after they expired");
    // Passes go on on both instances: nothing ends twice.
    for (int i = 0; i < 3; i++) {
      Thread.sleep(1_500);
      call(kept, UserSessionsScenarios.users(i % 2 == 0 ? a() : b(), "whoami"));
    }

    Map<String, Map<String, Integer>> seen = ends(UserSessionsScenarios::users, tags);
    for (String tag : tags) {
      assertThat(seen.get(tag))
          .as("callbacks of %s over both instances", tag)
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("destroyed", 1, "destroyedEvent", 1, "preDestroyed", 1, "unbound", 1));
    }
    for (String id : ids) {
      assertThat(pair().storedItems(id)).as("items of an ended session").isEmpty();
    }
    assertThat(ends(UserSessionsScenarios::users, List.of(keptTag)).get(keptTag))
        .as("the session kept in use")
        .containsOnlyKeys(KINDS)
        .allSatisfy((kind, n) -> assertThat(n).isZero());
    assertThat(call(kept, UserSessionsScenarios.users(b(), "whoami")))
        .containsEntry("session", true);

    assertThat(ends(UserSessionsScenarios::oldest, List.of(otherTag)).get(otherTag))
        .as("/users-oldest's expired session")
        .allSatisfy((kind, n) -> assertThat(n).isZero());
    assertThat(pair().storedItems(otherId))
        .as("/users-oldest's expired session, left to DynamoDB's TTL")
        .hasSize(1);
  }
}
