package io.github.dysession.it.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.CookieJarClient;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * A user's sessions on two instances, through dysession's {@code UserSessions} bean in the
 * user-sessions test applications: {@code /users} (key prefix {@code users#}, at most 2 sessions
 * per user, REFUSE) and {@code /users-oldest} (key prefix {@code oldest#}, at most 2, END_OLDEST),
 * both logging in by {@code request.login}. Each test logs in users of its own, and cookie jars
 * alternate between the instances as behind a round-robin balancer. Run as a nested class of every
 * pair suite ({@link AbstractServerPairIT}).
 */
abstract class UserSessionsScenarios extends PairScenarios {

  /** A client without cookies: lists and ends sessions as an administrator's page would. */
  private final CookieJarClient admin = new CookieJarClient("Admin-Console/1.0");

  private static String newUser() {
    return "u-" + UUID.randomUUID().toString().substring(0, 13);
  }

  static URI users(AppServer server, String query) {
    return server.usersUri("sessions?op=" + query);
  }

  static URI oldest(AppServer server, String query) {
    return server.usersOldestUri("sessions?op=" + query);
  }

  /** Sends {@code op} and returns the JSON answer; fails on any status but 200 and 403. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> call(CookieJarClient browser, URI uri) throws Exception {
    HttpResponse<String> response = browser.send("POST", uri);
    assertThat(response.statusCode())
        .as(
            "%s answered %s %s",
            uri,
            response.headers().firstValue("Location").map(l -> "Location: " + l).orElse(""),
            response.body())
        .isIn(200, 403);
    Map<String, Object> answer = CookieJarClient.JSON.fromJson(response.body(), Map.class);
    answer.put("status", response.statusCode());
    return answer;
  }

  private static Map<String, Object> logIn(
      CookieJarClient browser,
      BiFunction<AppServer, String, URI> app,
      AppServer server,
      String user)
      throws Exception {
    return call(browser, app.apply(server, "login&user=" + user + "&password=" + user + "-pw"));
  }

  private static Object caller(
      CookieJarClient browser, BiFunction<AppServer, String, URI> app, AppServer server)
      throws Exception {
    return call(browser, app.apply(server, "whoami")).get("caller");
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> listed(
      CookieJarClient browser,
      BiFunction<AppServer, String, URI> app,
      AppServer server,
      String user)
      throws Exception {
    return (List<Map<String, Object>>)
        call(browser, app.apply(server, "list&user=" + user)).get("sessions");
  }

  private static long number(Object value) {
    return ((Number) value).longValue();
  }

  /** Resets the ends counted by both instances of the application. */
  private void resetEnds(BiFunction<AppServer, String, URI> app) throws Exception {
    call(admin, app.apply(a(), "reset"));
    call(admin, app.apply(b(), "reset"));
  }

  /** Returns the ends counted on both instances together: sessionDestroyed and @PreDestroy. */
  private List<Long> ends(BiFunction<AppServer, String, URI> app) throws Exception {
    Map<String, Object> onA = call(admin, app.apply(a(), "ends"));
    Map<String, Object> onB = call(admin, app.apply(b(), "ends"));
    return List.of(
        number(onA.get("destroyed")) + number(onB.get("destroyed")),
        number(onA.get("preDestroyed")) + number(onB.get("preDestroyed")));
  }

  private AppServer alternate(int i) {
    return i % 2 == 0 ? a() : b();
  }

  @Test
  void threeLogins_onAlternatingInstances_areListedWithClientsAndNoId_andEndAllFromB_endsThem()
      throws Exception {
    BiFunction<AppServer, String, URI> app = UserSessionsScenarios::users;
    resetEnds(app);
    String user = newUser();
    List<String> agents = List.of("Firefox/121.0 (jar 1)", "Safari/17.2 (jar 2)", "Edge/120");
    List<CookieJarClient> browsers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      CookieJarClient browser = new CookieJarClient(agents.get(i));
      assertThat(logIn(browser, app, alternate(i), user)).containsEntry("status", 200);
      assertThat(caller(browser, app, alternate(i + 1))).isEqualTo(user);
      browsers.add(browser);
    }

    List<Map<String, Object>> list = listed(admin, app, b(), user);
    assertThat(list)
        .extracting(s -> s.get("client"))
        .containsExactlyInAnyOrder(
            agents.get(0) + " from 127.0.0.1",
            agents.get(1) + " from 127.0.0.1",
            agents.get(2) + " from 127.0.0.1");
    assertThat(list).extracting(s -> s.get("current")).containsOnly(false);
    assertThat(list).extracting(s -> s.get("handle")).doesNotHaveDuplicates().doesNotContainNull();
    assertThat(list).extracting(s -> s.get("mechanism")).doesNotContainNull();
    assertThat(list)
        .allSatisfy(
            s ->
                assertThat(s.get("expiresAt").toString())
                    .isGreaterThan(s.get("lastAccessedAt").toString()));
    String body = admin.send("GET", users(a(), "list&user=" + user)).body();
    for (CookieJarClient browser : browsers) {
      assertThat(browser.sessionId()).isNotNull();
      assertThat(body).doesNotContain(browser.sessionId());
    }

    // Ended from b: the sessions made on a and on b; the next request on a is logged out.
    assertThat(number(call(admin, users(b(), "endAll&user=" + user)).get("ended"))).isEqualTo(3);
    for (CookieJarClient browser : browsers) {
      Map<String, Object> after = call(browser, users(a(), "whoami"));
      assertThat(after).containsEntry("status", 200).containsEntry("session", false);
      assertThat(after.get("caller")).isNull();
      assertThat(caller(browser, app, b())).isNull();
    }
    assertThat(ends(app)).as("sessionDestroyed and @PreDestroy, on both").containsExactly(3L, 3L);
    assertThat(listed(admin, app, a(), user)).isEmpty();
    assertThat(number(call(admin, users(a(), "endAll&user=" + user)).get("ended"))).isZero();
  }

  @Test
  void endOneByHandle_thenEndAllButCurrent_keepsTheCallersOwnSession() throws Exception {
    BiFunction<AppServer, String, URI> app = UserSessionsScenarios::users;
    String user = newUser();
    CookieJarClient mine = new CookieJarClient("Mine/1");
    CookieJarClient second = new CookieJarClient("Second/1");
    CookieJarClient third = new CookieJarClient("Third/1");
    logIn(mine, app, a(), user);
    logIn(second, app, b(), user);
    logIn(third, app, a(), user);

    List<Map<String, Object>> seen = listed(mine, app, b(), user);
    assertThat(seen)
        .filteredOn(s -> Boolean.TRUE.equals(s.get("current")))
        .singleElement()
        .satisfies(s -> assertThat(s.get("client").toString()).startsWith("Mine/1"));
    Object thirdHandle =
        seen.stream()
            .filter(s -> s.get("client").toString().startsWith("Third/1"))
            .findFirst()
            .orElseThrow()
            .get("handle");
    assertThat(call(mine, users(b(), "end&user=" + user + "&handle=" + thirdHandle)))
        .containsEntry("ended", true);
    assertThat(caller(third, app, a())).isNull();
    assertThat(call(mine, users(a(), "end&user=" + user + "&handle=" + thirdHandle)))
        .as("a handle ended already")
        .containsEntry("ended", false);

    assertThat(number(call(mine, users(a(), "endOthers")).get("ended"))).isEqualTo(1);
    assertThat(caller(second, app, b())).isNull();
    assertThat(caller(mine, app, b())).isEqualTo(user);
    assertThat(listed(mine, app, a(), user))
        .singleElement()
        .satisfies(s -> assertThat(s).containsEntry("current", true));
  }

  @Test
  void refuse_aLoginBeyondTheLimitFails_asAWrongPasswordDoes_andTheOthersStay() throws Exception {
    BiFunction<AppServer, String, URI> app = UserSessionsScenarios::users;
    String user = newUser();
    List<CookieJarClient> in = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      CookieJarClient browser = new CookieJarClient("Device/" + i);
      assertThat(logIn(browser, app, alternate(i), user)).containsEntry("status", 200);
      in.add(browser);
    }
    CookieJarClient fourth = new CookieJarClient("Device/4");
    Map<String, Object> refused = logIn(fourth, app, b(), user);
    assertThat(refused).containsEntry("status", 403);
    assertThat(refused.get("refused").toString()).doesNotContain(user);
    assertThat(caller(fourth, app, a())).isNull();
    assertThat(listed(admin, app, a(), user)).hasSize(3);
    for (CookieJarClient browser : in) {
      assertThat(caller(browser, app, b())).isEqualTo(user);
    }
    assertThat(logIn(new CookieJarClient(), app, a(), newUser()))
        .as("another user")
        .containsEntry("status", 200);
  }

  @Test
  void refuse_concurrentLoginsOfOneUserOnBothInstances_admitExactlyTheLimit() throws Exception {
    BiFunction<AppServer, String, URI> app = UserSessionsScenarios::users;
    String user = newUser();
    List<CookieJarClient> browsers = new ArrayList<>();
    List<Object> statuses = concurrentLogins(app, user, 8, browsers);
    assertThat(statuses).filteredOn(s -> s.equals(200)).hasSize(3);
    assertThat(statuses).filteredOn(s -> s.equals(403)).hasSize(5);
    assertThat(listed(admin, app, b(), user)).hasSize(3);
    long loggedIn = 0;
    for (CookieJarClient browser : browsers) {
      loggedIn += user.equals(caller(browser, app, a())) ? 1 : 0;
    }
    assertThat(loggedIn).isEqualTo(3);
  }

  @Test
  void endOldest_aThirdLoginEndsTheFirst_withItsCallbacks() throws Exception {
    BiFunction<AppServer, String, URI> app = UserSessionsScenarios::oldest;
    resetEnds(app);
    String user = newUser();
    CookieJarClient first = new CookieJarClient("Old/1");
    CookieJarClient second = new CookieJarClient("Middle/1");
    CookieJarClient third = new CookieJarClient("New/1");
    assertThat(logIn(first, app, a(), user)).containsEntry("status", 200);
    assertThat(logIn(second, app, b(), user)).containsEntry("status", 200);
    assertThat(logIn(third, app, b(), user)).containsEntry("status", 200);
    assertThat(caller(first, app, a())).isNull();
    assertThat(caller(second, app, a())).isEqualTo(user);
    assertThat(caller(third, app, a())).isEqualTo(user);
    assertThat(listed(admin, app, a(), user))
        .extracting(s -> s.get("client").toString())
        .hasSize(2)
        .noneMatch(c -> c.startsWith("Old/1"));
    assertThat(ends(app)).containsExactly(1L, 1L);
  }

  @Test
  void endOldest_concurrentLoginsOfOneUserOnBothInstances_leaveExactlyTheLimit() throws Exception {
    BiFunction<AppServer, String, URI> app = UserSessionsScenarios::oldest;
    resetEnds(app);
    String user = newUser();
    List<CookieJarClient> browsers = new ArrayList<>();
    List<Object> statuses = concurrentLogins(app, user, 6, browsers);
    long admitted = statuses.stream().filter(s -> s.equals(200)).count();
    assertThat(admitted).as("logins admitted of %s", statuses).isGreaterThanOrEqualTo(2);
    assertThat(listed(admin, app, b(), user)).hasSize(2);
    long loggedIn = 0;
    for (CookieJarClient browser : browsers) {
      loggedIn += user.equals(caller(browser, app, a())) ? 1 : 0;
    }
    assertThat(loggedIn).isEqualTo(2);
    assertThat(ends(app).get(0)).as("sessions ended for the newer ones").isEqualTo(admitted - 2);
  }

  @Test
  void anotherApplicationWithAnotherKeyPrefix_inTheSameTable_seesNoneOfTheUsers() throws Exception {
    String user = newUser();
    logIn(new CookieJarClient("P/1"), UserSessionsScenarios::users, a(), user);
    logIn(new CookieJarClient("P/2"), UserSessionsScenarios::users, b(), user);
    assertThat(listed(admin, UserSessionsScenarios::users, b(), user)).hasSize(2);
    assertThat(listed(admin, UserSessionsScenarios::oldest, a(), user)).isEmpty();
    assertThat(listed(admin, UserSessionsScenarios::oldest, b(), user)).isEmpty();
    assertThat(number(call(admin, oldest(b(), "endAll&user=" + user)).get("ended"))).isZero();
    assertThat(listed(admin, UserSessionsScenarios::users, a(), user)).hasSize(2);
    // And the limits are counted per application: two more here, none refused there.
    logIn(new CookieJarClient("Q/1"), UserSessionsScenarios::oldest, a(), user);
    logIn(new CookieJarClient("Q/2"), UserSessionsScenarios::oldest, b(), user);
    assertThat(listed(admin, UserSessionsScenarios::oldest, a(), user)).hasSize(2);
    assertThat(listed(admin, UserSessionsScenarios::users, a(), user)).hasSize(2);
  }

  @Test
  void changeIdLogoutAndExpiry_leaveNothingListable() throws Exception {
    BiFunction<AppServer, String, URI> app = UserSessionsScenarios::users;
    String user = newUser();
    CookieJarClient moved = new CookieJarClient("Moved/1");
    assertThat(logIn(moved, app, a(), user)).containsEntry("status", 200);
    Object before = listed(admin, app, b(), user).get(0).get("handle");
    String oldId = moved.sessionId();
    call(moved, users(b(), "changeId"));
    assertThat(moved.sessionId()).isNotEqualTo(oldId);
    assertThat(listed(moved, app, a(), user))
        .singleElement()
        .satisfies(s -> assertThat(s).containsEntry("current", true).doesNotContainValue(before));

    CookieJarClient out = new CookieJarClient("Out/1");
    assertThat(logIn(out, app, b(), user)).containsEntry("status", 200);
    assertThat(listed(admin, app, a(), user)).hasSize(2);
    call(out, users(a(), "logout"));
    assertThat(caller(out, app, b())).isNull();
    assertThat(listed(admin, app, b(), user))
        .singleElement()
        .satisfies(s -> assertThat(s.get("client").toString()).startsWith("Moved/1"));

    CookieJarClient expiring = new CookieJarClient("Expiring/1");
    assertThat(logIn(expiring, app, a(), user)).containsEntry("status", 200);
    // Tagged: its end by the expiry sweep is counted apart from the totals other tests compare.
    call(expiring, users(b(), "tag&value=listing-" + user + "&seconds=1"));
    assertThat(listed(admin, app, a(), user)).hasSize(2);
    Thread.sleep(2_500);
    assertThat(listed(admin, app, a(), user))
        .as("an expired session that DynamoDB's TTL has not deleted yet")
        .singleElement()
        .satisfies(s -> assertThat(s.get("client").toString()).startsWith("Moved/1"));
    assertThat(caller(expiring, app, b())).isNull();
  }

  /**
   * Logs {@code user} in from {@code count} new cookie jars at once, alternating the instances;
   * returns the statuses and adds the jars to {@code browsers}.
   */
  private List<Object> concurrentLogins(
      BiFunction<AppServer, String, URI> app,
      String user,
      int count,
      List<CookieJarClient> browsers)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(count);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Object>> results = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        CookieJarClient browser = new CookieJarClient("Concurrent/" + i);
        browsers.add(browser);
        AppServer server = alternate(i);
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return logIn(browser, app, server, user).get("status");
                }));
      }
      start.countDown();
      List<Object> statuses = new ArrayList<>();
      for (Future<Object> result : results) {
        statuses.add(result.get(90, TimeUnit.SECONDS));
      }
      return statuses;
    } finally {
      pool.shutdownNow();
    }
  }
}
