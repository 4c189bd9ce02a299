package io.github.dysession.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tests the life of a session as {@link SessionManager} runs it, in a real Tomcat on an in-memory
 * store: creation, invalidation and id change, each with its item in the store and the
 * application's listeners.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SessionManagerTest {

  private static final RecordingListener LISTENER = new RecordingListener();

  @RegisterExtension
  static final EmbeddedTomcat TOMCAT =
      new EmbeddedTomcat()
          .listener(LISTENER)
          .servlet("/login", SessionManagerTest::logIn)
          .servlet("/logout", (request, response) -> request.getSession().invalidate())
          .servlet("/rotate", SessionManagerTest::rotate)
          .servlet("/whoami", SessionManagerTest::whoAmI)
          .servlet(
              "/create-and-rotate",
              (request, response) -> {
                request.getSession().setAttribute("user", "bo");
                response.addCookie(new jakarta.servlet.http.Cookie("theme", "dark"));
                request.changeSessionId();
              })
          .servlet(
              "/relogin",
              (request, response) -> {
                request.getSession().invalidate();
                request.getSession().setAttribute("user", "cy");
              });

  private final Browser browser = new Browser();

  private static void logIn(HttpServletRequest request, HttpServletResponse response) {
    HttpSession session = request.getSession();
    session.setAttribute("user", "ann");
    session.setAttribute("ticket", new Ticket("t1"));
  }

  private static void rotate(HttpServletRequest request, HttpServletResponse response)
      throws Exception {
    String old = request.getSession().getId();
    String now = request.changeSessionId();
    response.getWriter().print(old + " " + now);
  }

  private static void whoAmI(HttpServletRequest request, HttpServletResponse response)
      throws Exception {
    HttpSession session = request.getSession(false);
    response.getWriter().print(session == null ? "nobody" : session.getAttribute("user"));
  }

  @BeforeEach
  void forgetEvents() {
    LISTENER.clear();
  }

  @Test
  void newSession_firesSessionCreatedOnce_andLaterRequestsDoNot() throws Exception {
    browser.get(TOMCAT.uri("/login"));
    String id = browser.sessionId();
    browser.get(TOMCAT.uri("/whoami"));
    browser.get(TOMCAT.uri("/login"));

    assertThat(LISTENER.events())
        .containsExactly(
            "created " + id,
            "added user",
            "added ticket",
            "replaced user was ann",
            "replaced ticket was Ticket[label=t1]");
    assertThat(TOMCAT.stored(id))
        .containsOnly(entry("user", "ann"), entry("ticket", new Ticket("t1")));
  }

  @Test
  void invalidate_deletesTheItem_firesDestroyedAndValueUnbound_andClearsTheCookie()
      throws Exception {
    browser.get(TOMCAT.uri("/login"));
    String id = browser.sessionId();
    LISTENER.clear();

    HttpResponse<String> logout = browser.get(TOMCAT.uri("/logout"));

    assertThat(TOMCAT.store().recordExists(id)).isFalse();
    // Destroyed first, while the values are still there; then each value is removed.
    assertThat(LISTENER.events()).first().isEqualTo("destroyed " + id + " user=ann");
    assertThat(LISTENER.events())
        .containsExactlyInAnyOrder(
            "destroyed " + id + " user=ann", "removed user", "removed ticket");
    assertThat(Ticket.EVENTS).containsExactly("unbound t1");
    assertThat(logout.headers().allValues("Set-Cookie"))
        .singleElement()
        .satisfies(cookie -> assertThat(cookie).startsWith("DYSESSION=;").contains("Max-Age=0"));
    assertThat(browser.sessionId()).isNull();
    assertThat(browser.get(TOMCAT.uri("/whoami")).body()).isEqualTo("nobody");
  }

  @Test
  void invalidatedId_sentAgain_findsNoSession() throws Exception {
    browser.get(TOMCAT.uri("/login"));
    String id = browser.sessionId();
    browser.get(TOMCAT.uri("/logout"));

    HttpResponse<String> replay =
        browser.getWithCookieHeader(TOMCAT.uri("/whoami"), "DYSESSION=" + id);

    assertThat(replay.body()).isEqualTo("nobody");
    assertThat(TOMCAT.store().recordExists(id)).isFalse();
  }

  @Test
  void changeSessionId_movesTheItem_firesTheIdListener_andSendsTheNewCookie() throws Exception {
    browser.get(TOMCAT.uri("/login"));
    String old = browser.sessionId();
    LISTENER.clear();

    HttpResponse<String> response = browser.get(TOMCAT.uri("/rotate"));

    String now = Browser.sessionCookieOf(response);
    assertThat(now).isNotNull().isNotEqualTo(old);
    assertThat(response.body()).isEqualTo(old + " " + now);
    assertThat(LISTENER.events()).containsExactly("id " + old + " -> " + now);
    assertThat(TOMCAT.store().recordExists(old)).isFalse();
    assertThat(TOMCAT.stored(now))
        .containsOnly(entry("user", "ann"), entry("ticket", new Ticket("t1")));
    assertThat(browser.sessionId()).isEqualTo(now);
    assertThat(browser.get(TOMCAT.uri("/whoami")).body()).isEqualTo("ann");
    assertThat(browser.getWithCookieHeader(TOMCAT.uri("/whoami"), "DYSESSION=" + old).body())
        .isEqualTo("nobody");
    assertThat(Ticket.EVENTS).isEmpty();
  }

  @Test
  void newSessionWhoseIdChangesInTheSameRequest_getsOneCookie_withTheNewId() throws Exception {
    HttpResponse<String> response = browser.get(TOMCAT.uri("/create-and-rotate"));

    List<String> ours =
        response.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("DYSESSION="))
            .toList();
    assertThat(ours).as("dysession's Set-Cookie headers").hasSize(1);
    assertThat(response.headers().allValues("Set-Cookie"))
        .anyMatch(c -> c.startsWith("theme=dark"));
    String id = browser.sessionId();
    assertThat(ours.get(0)).startsWith("DYSESSION=" + id + ";");
    assertThat(TOMCAT.stored(id)).containsOnly(entry("user", "bo"));
  }

  @Test
  void invalidatedAndRecreatedInOneRequest_getsOneCookie_forTheNewSession() throws Exception {
    browser.get(TOMCAT.uri("/login"));
    String old = browser.sessionId();

    HttpResponse<String> response = browser.get(TOMCAT.uri("/relogin"));

    assertThat(response.headers().allValues("Set-Cookie"))
        .singleElement()
        .satisfies(c -> assertThat(c).startsWith("DYSESSION=" + browser.sessionId() + ";"));
    assertThat(browser.sessionId()).isNotEqualTo(old);
    assertThat(TOMCAT.stored(browser.sessionId())).containsOnly(entry("user", "cy"));
    assertThat(TOMCAT.store().recordExists(old)).isFalse();
  }
}
