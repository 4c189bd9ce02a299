package io.github.dysession.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.github.dysession.store.SessionIds;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tests which session {@link DysessionRequest} hands the application for the cookie a request
 * brings, in a real Tomcat on an in-memory store: none, its own, a malformed one, and one for a
 * session that no longer exists or never did.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DysessionRequestTest {

  @RegisterExtension
  static final EmbeddedTomcat TOMCAT =
      new EmbeddedTomcat()
          .servlet("/count", DysessionRequestTest::count)
          .servlet("/peek", DysessionRequestTest::peek);

  private final Browser browser = new Browser();

  /** Increments the session's counter and answers what the request knew of its session. */
  private static void count(HttpServletRequest request, HttpServletResponse response)
      throws Exception {
    boolean requestedValid = request.isRequestedSessionIdValid();
    HttpSession session = request.getSession();
    Integer count = (Integer) session.getAttribute("count");
    session.setAttribute("count", count == null ? 1 : count + 1);
    response
        .getWriter()
        .print(
            "count="
                + session.getAttribute("count")
                + " new="
                + session.isNew()
                + " requestedValid="
                + requestedValid);
  }

  /** Answers whether the request has a session, without making one. */
  private static void peek(HttpServletRequest request, HttpServletResponse response)
      throws Exception {
    HttpSession session = request.getSession(false);
    response.getWriter().print(session == null ? "none" : "count=" + session.getAttribute("count"));
  }

  @Test
  void sessionCookie_continuesTheStoredSession() throws Exception {
    HttpResponse<String> first = browser.get(TOMCAT.uri("/count"));
    String id = browser.sessionId();

    HttpResponse<String> second = browser.get(TOMCAT.uri("/count"));

    assertThat(first.body()).isEqualTo("count=1 new=true requestedValid=false");
    assertThat(second.body()).isEqualTo("count=2 new=false requestedValid=true");
    assertThat(second.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(TOMCAT.stored(id)).containsExactly(entry("count", 2));
  }

  @Test
  void getSessionFalse_withoutACookie_makesNoSession() throws Exception {
    long records = TOMCAT.store().recordCount();

    HttpResponse<String> response = browser.get(TOMCAT.uri("/peek"));

    assertThat(response.body()).isEqualTo("none");
    assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(TOMCAT.store().recordCount()).isEqualTo(records);
  }

  @ParameterizedTest(name = "DYSESSION={0}")
  @ValueSource(
      strings = {
        "",
        "abc",
        "\"quoted\"",
        "../../etc/passwd",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "x' OR '1'='1"
      })
  void malformedCookie_getsAFreshSession_withoutAnError(String value) throws Exception {
    HttpResponse<String> response =
        browser.getWithCookieHeader(TOMCAT.uri("/count"), "DYSESSION=" + value);

    assertThat(response.statusCode()).isEqualTo(HttpServletResponse.SC_OK);
    assertThat(response.body()).isEqualTo("count=1 new=true requestedValid=false");
    String id = Browser.sessionCookieOf(response);
    assertThat(SessionIds.isWellFormed(id)).isTrue();
    assertThat(id).isNotEqualTo(value);
    assertThat(TOMCAT.stored(id)).containsExactly(entry("count", 1));
  }

  @Test
  void cookieOfASessionThatNoLongerExists_getsANewSession() throws Exception {
    browser.get(TOMCAT.uri("/count"));
    browser.get(TOMCAT.uri("/count"));
    String gone = browser.sessionId();
    TOMCAT.store().delete(gone);

    HttpResponse<String> response = browser.get(TOMCAT.uri("/count"));

    assertThat(response.body()).isEqualTo("count=1 new=true requestedValid=false");
    String id = Browser.sessionCookieOf(response);
    assertThat(id).isNotNull().isNotEqualTo(gone);
    assertThat(TOMCAT.stored(id)).containsExactly(entry("count", 1));
    assertThat(TOMCAT.store().recordExists(gone)).isFalse();
  }

  @Test
  void wellFormedIdTheServerNeverIssued_isNotAdopted() throws Exception {
    String invented = SessionIds.generate();
    browser.setSessionId(TOMCAT.uri("/"), invented);

    HttpResponse<String> response = browser.get(TOMCAT.uri("/count"));

    assertThat(response.body()).isEqualTo("count=1 new=true requestedValid=false");
    String id = Browser.sessionCookieOf(response);
    assertThat(id).isNotNull().isNotEqualTo(invented);
    assertThat(TOMCAT.store().recordExists(invented)).isFalse();
    assertThat(TOMCAT.stored(id)).containsExactly(entry("count", 1));
  }
}
