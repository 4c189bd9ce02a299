package io.github.dysession.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tests when {@link DysessionFilter} saves a request's session, in a real Tomcat on an in-memory
 * store: before the response is committed (a flushed body, a redirect, an error), at the end of an
 * error page, and when an asynchronous request completes on another thread.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DysessionFilterTest {

  /** More than the container's response buffer (8 KiB), so that writing it commits. */
  private static final int LARGE = 256 * 1024;

  /** What the store held for the request's session right after the call under test returned. */
  private static final AtomicReference<Map<String, Object>> SEEN = new AtomicReference<>();

  /** Holds the large-body servlet after its flush until the test has looked at the store. */
  private static final CountDownLatch RELEASE = new CountDownLatch(1);

  @RegisterExtension
  static final EmbeddedTomcat TOMCAT =
      new EmbeddedTomcat()
          .servlet("/large", DysessionFilterTest::writeLargeBody)
          .servlet("/redirect", DysessionFilterTest::setThenRedirect)
          .servlet("/teapot", DysessionFilterTest::setThenSendError)
          .servlet("/throw", DysessionFilterTest::setThenThrow)
          .servlet("/error", DysessionFilterTest::errorPage)
          .servlet("/async", DysessionFilterTest::completeOnAnotherThread)
          .servlet("/plain", (request, response) -> response.getWriter().print("hello"))
          .errorPage(HttpServletResponse.SC_EXPECTATION_FAILED, "/error")
          .errorPage(Boom.class, "/error");

  private final Browser browser = new Browser();

  @AfterEach
  void forgetWhatWasSeen() {
    SEEN.set(null);
  }

  @Test
  void newSession_isStoredBeforeTheResponseCommits_whenTheServletWritesALargeBody()
      throws Exception {
    HttpResponse<InputStream> response = browser.stream(TOMCAT.uri("/large"));

    String id = Browser.sessionCookieOf(response);
    assertThat(id).isNotNull();
    try (InputStream body = response.body()) {
      assertThat(body.read()).isEqualTo('x');
      // The servlet waits for RELEASE, so its request has not ended: only a save before the
      // commit can have written the session.
      assertThat(RELEASE.getCount()).isEqualTo(1);
      assertThat(TOMCAT.stored(id)).containsExactly(entry("colour", "blue"));
      RELEASE.countDown();
      assertThat(body.readAllBytes()).hasSize(LARGE - 1 + "end".length());
    } finally {
      RELEASE.countDown();
    }
  }

  private static void writeLargeBody(HttpServletRequest request, HttpServletResponse response)
      throws Exception {
    request.getSession().setAttribute("colour", "blue");
    response.setContentType("application/octet-stream");
    ServletOutputStream out = response.getOutputStream();
    byte[] body = new byte[LARGE];
    java.util.Arrays.fill(body, (byte) 'x');
    out.write(body);
    out.flush();
    RELEASE.await(20, TimeUnit.SECONDS);
    out.write("end".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void redirectAfterSetAttribute_hasTheAttributeStoredWhenTheRedirectIsSent() throws Exception {
    HttpResponse<String> response = browser.get(TOMCAT.uri("/redirect"));

    assertThat(response.statusCode()).isEqualTo(HttpServletResponse.SC_FOUND);
    assertThat(response.headers().firstValue("Location"))
        .hasValueSatisfying(location -> assertThat(location).endsWith("/landing"));
    assertThat(SEEN.get()).containsExactly(entry("cart", List.of("apple")));
    assertThat(TOMCAT.stored(browser.sessionId())).containsExactly(entry("cart", List.of("apple")));
  }

  private static void setThenRedirect(HttpServletRequest request, HttpServletResponse response)
      throws Exception {
    HttpSession session = request.getSession();
    session.setAttribute("cart", List.of("apple"));
    response.sendRedirect("/landing");
    SEEN.set(TOMCAT.stored(session.getId()));
  }

  @Test
  void sendError_savesFirst_andTheErrorPageSeesTheSession_andItsChangesAreSaved() throws Exception {
    HttpResponse<String> response = browser.get(TOMCAT.uri("/teapot"));

    assertThat(response.statusCode()).isEqualTo(HttpServletResponse.SC_EXPECTATION_FAILED);
    assertThat(response.body()).isEqualTo("error page: step=sent error");
    String id = Browser.sessionCookieOf(response);
    assertThat(SEEN.get()).containsExactly(entry("step", "sent error"));
    assertThat(TOMCAT.stored(id))
        .containsOnly(entry("step", "sent error"), entry("errorPage", "seen"));
  }

  private static void setThenSendError(HttpServletRequest request, HttpServletResponse response)
      throws Exception {
    HttpSession session = request.getSession();
    session.setAttribute("step", "sent error");
    response.sendError(HttpServletResponse.SC_EXPECTATION_FAILED);
    SEEN.set(TOMCAT.stored(session.getId()));
  }

  @Test
  void exceptionAnsweredByAnErrorPage_keepsTheSessionTheFailedRequestCreated() throws Exception {
    HttpResponse<String> response = browser.get(TOMCAT.uri("/throw"));

    assertThat(response.statusCode()).isEqualTo(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
    assertThat(response.body()).isEqualTo("error page: step=threw");
    String id = Browser.sessionCookieOf(response);
    assertThat(id).isNotNull();
    assertThat(TOMCAT.stored(id)).containsOnly(entry("step", "threw"), entry("errorPage", "seen"));
  }

  private static void setThenThrow(HttpServletRequest request, HttpServletResponse response) {
    request.getSession().setAttribute("step", "threw");
    throw new Boom();
  }

  private static void errorPage(HttpServletRequest request, HttpServletResponse response)
      throws Exception {
    HttpSession session = request.getSession(false);
    response.setContentType("text/plain;charset=UTF-8");
    response
        .getWriter()
        .print(
            "error page: "
                + (session == null ? "no session" : "step=" + session.getAttribute("step")));
    if (session != null) {
      session.setAttribute("errorPage", "seen");
    }
  }

  @Test
  void asyncRequest_completedOnAnotherThread_savesWhatThatThreadChanged() throws Exception {
    HttpResponse<String> response = browser.get(TOMCAT.uri("/async"));

    assertThat(response.statusCode()).isEqualTo(HttpServletResponse.SC_OK);
    String id = Browser.sessionCookieOf(response);
    assertThat(id).isNotNull();
    assertThat(TOMCAT.stored(id))
        .containsOnly(entry("step", "completed"), entry("startedOn", "container"));
  }

  private static void completeOnAnotherThread(
      HttpServletRequest request, HttpServletResponse response) {
    request.getSession().setAttribute("startedOn", "container");
    AsyncContext async = request.startAsync();
    Thread worker =
        new Thread(
            () -> {
              HttpSession session = ((HttpServletRequest) async.getRequest()).getSession();
              session.setAttribute("step", "completed");
              async.complete();
            },
            "dysession-test-async");
    worker.start();
  }

  @Test
  void requestThatNeverTouchesTheSession_storesNothing_andSetsNoCookie() throws Exception {
    long writesBefore = TOMCAT.store().writeRequests();

    HttpResponse<String> response = browser.get(TOMCAT.uri("/plain"));

    assertThat(response.body()).isEqualTo("hello");
    assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(TOMCAT.store().writeRequests()).isEqualTo(writesBefore);
    assertThat(TOMCAT.containerSessions()).isZero();
  }

  /** What the failing servlet throws; the application maps an error page to it. */
  static final class Boom extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Boom() {
      super("boom");
    }
  }
}
