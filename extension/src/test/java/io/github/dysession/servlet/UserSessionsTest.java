package io.github.dysession.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.config.DysessionSettings;
import io.github.dysession.store.LoginLimitException;
import io.github.dysession.store.SessionLogin;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A user's sessions as the session core runs them, in a real Tomcat on the in-memory store: logins
 * through the hook every login path uses, listing by handle with client descriptions, ending with
 * the callbacks of {@code invalidate()}, and the limit per user with both policies.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UserSessionsTest {

  /** The servlets of the test application, on a Tomcat with the given settings. */
  static EmbeddedTomcat application(RecordingListener listener, String... keyValues) {
    EmbeddedTomcat tomcat =
        new EmbeddedTomcat()
            .listener(listener)
            .servlet("/login", UserSessionsTest::logIn)
            .servlet("/whoami", UserSessionsTest::whoAmI)
            .servlet("/list", UserSessionsTest::list)
            .servlet(
                "/end-all",
                (request, response) ->
                    response
                        .getWriter()
                        .print(UserSessionControl.endAll(request.getParameter("user"))))
            .servlet(
                "/end-others",
                (request, response) ->
                    response.getWriter().print(UserSessionControl.endAllButCurrent()))
            .servlet(
                "/end",
                (request, response) ->
                    response
                        .getWriter()
                        .print(
                            UserSessionControl.end(
                                request.getParameter("user"), request.getParameter("handle"))));
    for (int i = 0; i < keyValues.length; i += 2) {
      tomcat.setting(keyValues[i], keyValues[i + 1]);
    }
    return tomcat;
  }

  private static void logIn(HttpServletRequest request, HttpServletResponse response)
      throws Exception {
    String user = request.getParameter("user");
    request.getSession().setAttribute("user", user);
    request.getSession().setAttribute("ticket", new Ticket(user));
    try {
      DysessionRequest.unwrap(request)
          .logIn(new SessionLogin(user, Set.of("user"), "test", Instant.now()));
      response.getWriter().print("in");
    } catch (LoginLimitException e) {
      response.setStatus(401);
      response.getWriter().print(e.getMessage());
    }
  }

  private static void whoAmI(HttpServletRequest request, HttpServletResponse response)
      throws Exception {
    SessionLogin login = DysessionRequest.unwrap(request).storedLogin();
    response.getWriter().print(login == null ? "nobody" : login.caller());
  }

  private static void list(HttpServletRequest request, HttpServletResponse response)
      throws Exception {
    for (UserSession s : UserSessionControl.list(request.getParameter("user"))) {
      response
          .getWriter()
          .println(s.handle() + "|" + s.client() + "|" + s.current() + "|" + s.mechanism());
    }
  }

  static List<String> lines(HttpResponse<String> response) {
    return response.body().lines().toList();
  }

  /** Without a limit: listing and ending. */
  @Nested
  class ListingAndEnding {

    private static final RecordingListener LISTENER = new RecordingListener();

    @RegisterExtension static final EmbeddedTomcat TOMCAT = application(LISTENER);

    @BeforeEach
    void forget() {
      LISTENER.clear();
    }

    @Test
    void threeLogins_areListedWithTheirClients_andNoId_andEndAllRunsTheCallbacksOnce()
        throws Exception {
      List<Browser> browsers = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (String agent : List.of("Firefox/121", "Safari/17", "Edge/120")) {
        Browser b = new Browser(agent);
        assertThat(b.get(TOMCAT.uri("/login?user=ann")).body()).isEqualTo("in");
        browsers.add(b);
        ids.add(b.sessionId());
      }
      HttpResponse<String> listed = new Browser("Admin/1").get(TOMCAT.uri("/list?user=ann"));
      assertThat(lines(listed))
          .hasSize(3)
          .anySatisfy(l -> assertThat(l).contains("|Firefox/121 from 127.0.0.1|false|test"))
          .anySatisfy(l -> assertThat(l).contains("|Safari/17 from 127.0.0.1|false|"))
          .anySatisfy(l -> assertThat(l).contains("|Edge/120 from 127.0.0.1|false|"));
      for (String id : ids) {
        assertThat(listed.body()).doesNotContain(id);
      }

      assertThat(new Browser().get(TOMCAT.uri("/end-all?user=ann")).body()).isEqualTo("3");
      for (int i = 0; i < 3; i++) {
        assertThat(browsers.get(i).get(TOMCAT.uri("/whoami")).body()).isEqualTo("nobody");
        assertThat(TOMCAT.store().load(ids.get(i))).isEmpty();
        String id = ids.get(i);
        assertThat(LISTENER.events()).containsOnlyOnce("destroyed " + id + " user=ann");
      }
      assertThat(Ticket.EVENTS).filteredOn("unbound ann"::equals).hasSize(3);
      assertThat(new Browser().get(TOMCAT.uri("/list?user=ann")).body()).isEmpty();
      assertThat(new Browser().get(TOMCAT.uri("/end-all?user=ann")).body()).isEqualTo("0");
    }

    @Test
    void endAllButCurrent_keepsTheAskingSession_andEndByHandleEndsOne() throws Exception {
      Browser mine = new Browser("Mine/1");
      Browser second = new Browser("Second/1");
      Browser third = new Browser("Third/1");
      for (Browser b : List.of(mine, second, third)) {
        b.get(TOMCAT.uri("/login?user=bea"));
      }
      List<String> seen = lines(mine.get(TOMCAT.uri("/list?user=bea")));
      assertThat(seen)
          .filteredOn(l -> l.contains("|true|"))
          .hasSize(1)
          .allMatch(l -> l.contains("Mine/1"));
      String thirdHandle =
          seen.stream()
              .filter(l -> l.contains("Third/1"))
              .findFirst()
              .orElseThrow()
              .split("\\|")[0];
      assertThat(mine.get(TOMCAT.uri("/end?user=bea&handle=" + thirdHandle)).body())
          .isEqualTo("true");
      assertThat(third.get(TOMCAT.uri("/whoami")).body()).isEqualTo("nobody");
      assertThat(mine.get(TOMCAT.uri("/end?user=bea&handle=" + thirdHandle)).body())
          .as("a handle ended already")
          .isEqualTo("false");
      assertThat(mine.get(TOMCAT.uri("/end?user=other&handle=" + thirdHandle)).body())
          .isEqualTo("false");

      assertThat(mine.get(TOMCAT.uri("/end-others")).body()).isEqualTo("1");
      assertThat(second.get(TOMCAT.uri("/whoami")).body()).isEqualTo("nobody");
      assertThat(mine.get(TOMCAT.uri("/whoami")).body()).isEqualTo("bea");
      assertThat(lines(mine.get(TOMCAT.uri("/list?user=bea"))))
          .singleElement()
          .satisfies(l -> assertThat(l).contains("Mine/1").contains("|true|"));
    }

    @Test
    void endAll_fromTheUsersOwnSession_invalidatesItAsTheApplicationWould() throws Exception {
      Browser mine = new Browser("Own/1");
      mine.get(TOMCAT.uri("/login?user=cid"));
      String id = mine.sessionId();
      HttpResponse<String> ended = mine.get(TOMCAT.uri("/end-all?user=cid"));
      assertThat(ended.body()).isEqualTo("1");
      assertThat(LISTENER.events()).containsOnlyOnce("destroyed " + id + " user=cid");
      assertThat(mine.get(TOMCAT.uri("/whoami")).body()).isEqualTo("nobody");
    }
  }

  /** A limit of two sessions, policy REFUSE. */
  @Nested
  class Refuse {

    private static final RecordingListener LISTENER = new RecordingListener();

    @RegisterExtension
    static final EmbeddedTomcat TOMCAT =
        application(LISTENER, DysessionSettings.LOGIN_MAX_SESSIONS, "2");

    @Test
    void aThirdLogin_isRefused_andTheFirstTwoStay() throws Exception {
      Browser first = new Browser("A/1");
      Browser second = new Browser("B/1");
      assertThat(first.get(TOMCAT.uri("/login?user=dan")).statusCode()).isEqualTo(200);
      assertThat(second.get(TOMCAT.uri("/login?user=dan")).statusCode()).isEqualTo(200);
      assertThat(first.get(TOMCAT.uri("/login?user=dan")).statusCode())
          .as("logging in again as the same user")
          .isEqualTo(200);
      Browser third = new Browser("C/1");
      HttpResponse<String> refused = third.get(TOMCAT.uri("/login?user=dan"));
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.body()).contains("max-sessions-per-user").doesNotContain("dan");
      assertThat(third.get(TOMCAT.uri("/whoami")).body()).isEqualTo("nobody");
      assertThat(lines(first.get(TOMCAT.uri("/list?user=dan")))).hasSize(2);
      assertThat(new Browser().get(TOMCAT.uri("/login?user=eve")).statusCode())
          .as("another user")
          .isEqualTo(200);
    }
  }

  /** A limit of two sessions, policy END_OLDEST. */
  @Nested
  class EndOldest {

    private static final RecordingListener LISTENER = new RecordingListener();

    @RegisterExtension
    static final EmbeddedTomcat TOMCAT =
        application(
            LISTENER,
            DysessionSettings.LOGIN_MAX_SESSIONS,
            "2",
            DysessionSettings.LOGIN_MAX_SESSIONS_POLICY,
            "END_OLDEST");

    @Test
    void aThirdLogin_endsTheOldest_withItsCallbacks() throws Exception {
      Browser first = new Browser("A/1");
      Browser second = new Browser("B/1");
      Browser third = new Browser("C/1");
      first.get(TOMCAT.uri("/login?user=fay"));
      String oldest = first.sessionId();
      second.get(TOMCAT.uri("/login?user=fay"));
      assertThat(third.get(TOMCAT.uri("/login?user=fay")).statusCode()).isEqualTo(200);
      assertThat(first.get(TOMCAT.uri("/whoami")).body()).isEqualTo("nobody");
      assertThat(second.get(TOMCAT.uri("/whoami")).body()).isEqualTo("fay");
      assertThat(third.get(TOMCAT.uri("/whoami")).body()).isEqualTo("fay");
      assertThat(LISTENER.events()).containsOnlyOnce("destroyed " + oldest + " user=fay");
      assertThat(lines(third.get(TOMCAT.uri("/list?user=fay"))))
          .hasSize(2)
          .noneMatch(l -> l.contains("A/1"));
    }
  }
}
