package io.github.dysession.it.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.CookieJarClient;
import io.github.dysession.store.SessionIds;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Logins on two instances of a fleet, as a user behind a round-robin balancer makes them: the login
 * test application ({@code /login}: Jakarta Security's built-in FORM mechanism with
 * {@code @LoginToContinue}, an identity store, {@code @ServletSecurity} pages, a JAX-RS resource
 * calling an {@code @RolesAllowed} EJB) is deployed on both instances, and a cookie jar alternates
 * between them. Run by every session-sharing suite as a nested class, on its pair of servers.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
abstract class LoginScenarios {

  private static final String ALICE_PASSWORD = "alice-secret";
  private static final String BOB_PASSWORD = "bob-secret";

  /** Returns the instance a login starts on. */
  abstract AppServer a();

  /** Returns the other instance. */
  abstract AppServer b();

  /**
   * Whether instance b is TomEE, whose built-in FORM mechanism runs outside CDI interception at
   * {@code j_security_check} and makes a container session there (which dysession ends).
   */
  abstract boolean containerSessionAtCredentialPostback();

  /**
   * Replaces the mechanism stored with the login of session {@code id} in the pair's table, as a
   * redeployment that removed a mechanism leaves it.
   */
  abstract void storeLoginMechanism(String id, String mechanism);

  @Test
  void formLoginOnOneInstance_isKnownOnTheOther_withRolesSecurityContextJaxRsAndEjb()
      throws Exception {
    CookieJarClient browser = new CookieJarClient();
    logIn(browser, "alice", ALICE_PASSWORD, a(), b(), a());

    Map<String, Object> onB = browser.json("GET", b().loginUri("protected"));
    assertThat(onB.get("node")).isNotEqualTo(browser.json("GET", a().loginUri("who")).get("node"));
    assertThat(onB)
        .containsEntry("remoteUser", "alice")
        .containsEntry("principal", "alice")
        .containsEntry("user", true)
        .containsEntry("admin", true)
        .containsEntry("securityContextCaller", "alice")
        .containsEntry("securityContextAdmin", true)
        .containsEntry("sessionClass", "DysessionHttpSession");
    assertThat(browser.json("GET", b().loginUri("admin"))).containsEntry("remoteUser", "alice");
    assertThat(browser.json("GET", a().loginUri("admin"))).containsEntry("remoteUser", "alice");
    assertThat(browser.json("GET", b().loginUri("api/caller")))
        .containsEntry("jaxrs", "alice")
        .containsEntry("ejb", "alice");
    assertThat(browser.json("GET", a().loginUri("who"))).containsEntry("remoteUser", "alice");
    assertNoContainerSession(browser);
  }

  @Test
  void loginSteps_eachOnAnotherInstance_complete() throws Exception {
    // The protected page (saves the request), the login page, the credential POST and the page
    // the login continues to, alternating: b, a, b, a.
    CookieJarClient browser = new CookieJarClient();
    logIn(browser, "bob", BOB_PASSWORD, b(), a(), b());
    assertThat(browser.json("GET", a().loginUri("protected")))
        .containsEntry("remoteUser", "bob")
        .containsEntry("user", true)
        .containsEntry("admin", false);
    // bob is no admin on either instance.
    assertThat(browser.send("GET", a().loginUri("admin")).statusCode()).isEqualTo(403);
    assertThat(browser.send("GET", b().loginUri("admin")).statusCode()).isEqualTo(403);
    assertThat(browser.send("GET", b().loginUri("api/caller")).statusCode()).isEqualTo(403);
    assertNoContainerSession(browser);
  }

  @Test
  void login_changesTheSessionId_keepsThePreLoginAttributes_andRetiresTheOldId() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    browser.json("POST", a().loginUri("who?op=note&value=before-login"));
    String before = browser.sessionId();
    assertThat(before).isNotNull();

    logIn(browser, "alice", ALICE_PASSWORD, b(), a(), b());

    String after = browser.sessionId();
    assertThat(after).isNotNull().isNotEqualTo(before);
    assertThat(browser.json("GET", a().loginUri("who")))
        .containsEntry("remoteUser", "alice")
        .containsEntry("note", "before-login");
    // Someone who knew the pre-login id (session fixation) has nothing.
    CookieJarClient attacker = new CookieJarClient();
    attacker.setSessionId(before);
    Map<String, Object> attackerView = attacker.json("GET", b().loginUri("who"));
    assertLoggedOut(attackerView);
    assertThat(attackerView.get("note")).isNull();
    assertThat(attacker.send("GET", a().loginUri("protected")).statusCode()).isEqualTo(302);
  }

  @Test
  void wrongPassword_staysLoggedOutOnBothInstances() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    HttpResponse<String> challenge = browser.send("GET", a().loginUri("protected"));
    assertThat(challenge.statusCode()).isEqualTo(302);
    HttpResponse<String> refused =
        browser.postForm(
            b().loginUri("j_security_check"), Map.of("j_username", "alice", "j_password", "wrong"));
    assertThat(refused.statusCode())
        .as("answer to a wrong password: %s", refused.body())
        .isNotEqualTo(500);
    assertLoggedOut(browser.json("GET", a().loginUri("who")));
    assertLoggedOut(browser.json("GET", b().loginUri("who")));
    assertThat(browser.send("GET", b().loginUri("protected")).statusCode()).isEqualTo(302);
    assertThat(browser.send("GET", a().loginUri("protected")).statusCode()).isEqualTo(302);
    if (!containerSessionAtCredentialPostback()) {
      // TomEE answers a refused j_security_check itself, outside anything dysession sees, and keeps
      // the container session it made for it (holding no caller): README names that limit.
      assertNoContainerSession(browser);
    }
  }

  @Test
  void logoutOnOneInstance_endsTheLoginOnTheOther_andKeepsTheSession() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    logIn(browser, "alice", ALICE_PASSWORD, a(), b(), a());
    browser.json("POST", a().loginUri("who?op=note&value=kept"));
    String id = browser.sessionId();
    CookieJarClient beforeLogout = new CookieJarClient();
    beforeLogout.copyCookiesFrom(browser);

    Map<String, Object> loggedOut = browser.json("POST", b().loginUri("who?op=logout"));
    assertLoggedOut(loggedOut);

    assertThat(browser.send("GET", a().loginUri("protected")).statusCode()).isEqualTo(302);
    Map<String, Object> afterLogout = browser.json("GET", a().loginUri("who"));
    assertLoggedOut(afterLogout);
    assertThat(afterLogout).containsEntry("note", "kept");
    assertLoggedOut(browser.json("GET", b().loginUri("who")));
    assertThat(browser.sessionId()).isEqualTo(id);
    assertNoContainerSession(browser);
    // Every cookie of the jar, replayed by someone who copied them before the logout (Open
    // Liberty's
    // LtpaToken2 too), logs in on neither instance.
    for (AppServer server : new AppServer[] {a(), b()}) {
      CookieJarClient copy = new CookieJarClient();
      copy.copyCookiesFrom(beforeLogout);
      assertThat(copy.send("GET", server.loginUri("protected")).statusCode())
          .as("old cookies on %s", server.name())
          .isEqualTo(302);
      assertLoggedOut(copy.json("GET", server.loginUri("who")));
    }
  }

  @Test
  void invalidateOnOneInstance_endsTheLoginOnTheOther() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    logIn(browser, "bob", BOB_PASSWORD, a(), b(), a());
    String id = browser.sessionId();

    browser.json("POST", a().loginUri("who?op=invalidate"));

    CookieJarClient copy = new CookieJarClient();
    copy.setSessionId(id);
    assertThat(copy.send("GET", b().loginUri("protected")).statusCode()).isEqualTo(302);
    assertLoggedOut(copy.json("GET", a().loginUri("who")));
    assertThat(browser.send("GET", b().loginUri("protected")).statusCode()).isEqualTo(302);
  }

  @Test
  void forgedSessionCookie_isNotLoggedIn() throws Exception {
    CookieJarClient forger = new CookieJarClient();
    forger.setSessionId(SessionIds.generate());
    assertThat(forger.send("GET", a().loginUri("protected")).statusCode()).isEqualTo(302);
    assertLoggedOut(forger.json("GET", b().loginUri("who")));
  }

  @Test
  void dynamoDbCalls_loggedInReadOnlyRequestReadsOnce_andARequestWithoutCookieMakesNone()
      throws Exception {
    CookieJarClient browser = new CookieJarClient();
    logIn(browser, "alice", ALICE_PASSWORD, a(), b(), a());
    browser.json("GET", b().loginUri("who"));
    CookieJarClient control = new CookieJarClient();

    control.json("POST", b().loginUri("who?op=reset"));
    assertThat(browser.json("GET", b().loginUri("protected?probe=calls")))
        .containsEntry("remoteUser", "alice");
    assertThat(calls(control, b()))
        .as("calls of a logged-in read-only request")
        .isEqualTo(Map.of("GetItem", 1L));

    control.json("POST", b().loginUri("who?op=reset"));
    assertLoggedOut(new CookieJarClient().json("GET", b().loginUri("who")));
    assertThat(calls(control, b()))
        .as("calls of an unauthenticated request without a session cookie")
        .isEmpty();
    // A protected page keeps the request for after the login: in a new session, one PutItem.
    assertThat(new CookieJarClient().send("GET", b().loginUri("protected")).statusCode())
        .isEqualTo(302);
    assertThat(calls(control, b()))
        .as("calls of a protected page without a session cookie")
        .isEqualTo(Map.of("PutItem", 1L));
  }

  /**
   * Checks that no container session cookie was set, or (where the server makes one at the
   * credential POST) that it was ended and dropped at once. Other cookies of the server's own (Open
   * Liberty's WASReqURL and LtpaToken2) are allowed: they hold no session.
   */
  private void assertNoContainerSession(CookieJarClient browser) {
    if (containerSessionAtCredentialPostback()) {
      assertThat(browser.cookieValue("JSESSIONID"))
          .as("container session cookie left in the jar")
          .isNull();
    } else {
      assertThat(browser.cookieNamesSet()).as("cookies set").doesNotContain("JSESSIONID");
    }
  }

  /**
   * Checks that a report shows no caller (JSON-B implementations leave out null members or write
   * them).
   */
  private static void assertLoggedOut(Map<String, Object> report) {
    assertThat(report.get("remoteUser")).as("remoteUser in %s", report).isNull();
    assertThat(report.get("principal")).as("principal in %s", report).isNull();
    assertThat(report.get("user")).as("in role user, in %s", report).isEqualTo(false);
  }

  @Test
  void ownMechanismWithAutoApplySession_loginOnOneInstance_holdsOnTheOther_andLogoutEndsIt()
      throws Exception {
    CookieJarClient browser = new CookieJarClient();
    assertThat(browser.send("GET", b().customLoginUri("protected")).statusCode()).isEqualTo(401);
    HttpResponse<String> signedIn =
        browser.postForm(
            a().customLoginUri("signin"), Map.of("user", "alice", "password", ALICE_PASSWORD));
    assertThat(signedIn.statusCode()).as("sign-in: %s", signedIn.body()).isEqualTo(200);
    assertThat(signedIn.body()).contains("\"signedIn\":true");

    assertThat(browser.json("GET", b().customLoginUri("protected")))
        .containsEntry("remoteUser", "alice")
        .containsEntry("admin", true)
        .containsEntry("securityContextCaller", "alice");
    assertThat(browser.json("GET", a().customLoginUri("protected")))
        .containsEntry("remoteUser", "alice");

    assertLoggedOut(browser.json("POST", b().customLoginUri("who?op=logout")));
    assertThat(browser.send("GET", a().customLoginUri("protected")).statusCode()).isEqualTo(401);
    assertThat(browser.send("GET", b().customLoginUri("protected")).statusCode()).isEqualTo(401);
    assertThat(browser.cookieNamesSet()).as("cookies set").doesNotContain("JSESSIONID");
  }

  @Test
  void loginByAMechanismTheApplicationNoLongerHas_isLoggedOutWithOneWarning() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    browser.postForm(a().customLoginUri("signin"), Map.of("user", "bob", "password", BOB_PASSWORD));
    assertThat(browser.json("GET", b().customLoginUri("protected")))
        .containsEntry("remoteUser", "bob");
    long before = removedMechanismWarnings(b());

    storeLoginMechanism(
        browser.sessionId(), "io.github.dysession.it.login.custom.RemovedMechanism");
    HttpResponse<String> refused = browser.send("GET", b().customLoginUri("protected"));
    assertThat(refused.statusCode()).as("protected page: %s", refused.body()).isEqualTo(401);
    assertThat(browser.send("GET", a().customLoginUri("protected")).statusCode()).isEqualTo(401);
    assertThat(browser.send("GET", b().customLoginUri("protected")).statusCode()).isEqualTo(401);
    // The stored login is gone: one WARNING, not one per request.
    assertThat(removedMechanismWarnings(b()) - before).isEqualTo(1);
    assertThat(removedMechanismWarnings(a())).isZero();
    // The session itself lives on, and a new login holds again.
    browser.postForm(a().customLoginUri("signin"), Map.of("user", "bob", "password", BOB_PASSWORD));
    assertThat(browser.json("GET", b().customLoginUri("protected")))
        .containsEntry("remoteUser", "bob");
  }

  /** The part of a log line that dysession wrote: from its own time stamp on. */
  private static String dysessionRecord(String line) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*")
            .matcher(line);
    return m.find() ? m.group() : line;
  }

  private static long removedMechanismWarnings(AppServer server) {
    // Distinct records, by dysession's own time stamp: Open Liberty may write one of dysession's
    // lines twice, each copy under a time stamp of its own.
    return server
        .log()
        .lines()
        .filter(l -> l.contains("RemovedMechanism, which this application no longer has"))
        .map(LoginScenarios::dysessionRecord)
        .distinct()
        .count();
  }

  @Test
  @SuppressWarnings("unchecked")
  void ownMechanism_requestWithoutCredentialsOrCookie_answers401WithoutADynamoDbCall()
      throws Exception {
    CookieJarClient control = new CookieJarClient();
    control.json("POST", b().customLoginUri("who?op=reset"));
    CookieJarClient anonymous = new CookieJarClient();
    assertThat(anonymous.send("GET", b().customLoginUri("protected")).statusCode()).isEqualTo(401);
    assertThat(anonymous.sessionId()).as("session cookie").isNull();
    Map<String, Object> calls =
        (Map<String, Object>) control.json("GET", b().customLoginUri("who?op=calls")).get("calls");
    assertThat(calls).as("DynamoDB calls").isEmpty();
  }

  @Test
  void ownMechanism_wrongPassword_staysLoggedOutOnBoth() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    HttpResponse<String> refused =
        browser.postForm(
            a().customLoginUri("signin"), Map.of("user", "alice", "password", "wrong"));
    assertThat(refused.statusCode()).as("refused sign-in: %s", refused.body()).isNotIn(200, 500);
    assertThat(browser.send("GET", b().customLoginUri("protected")).statusCode()).isEqualTo(401);
    assertLoggedOut(browser.json("GET", a().customLoginUri("who")));
  }

  @Test
  void requestLogin_onOneInstance_holdsOnTheOther_changesTheId_andLogoutEndsIt() throws Exception {
    for (java.util.function.Function<String, URI> app :
        List.<java.util.function.Function<String, URI>>of(
            r -> a().loginUri(r), r -> a().customLoginUri(r))) {
      CookieJarClient browser = new CookieJarClient();
      browser.json("POST", app.apply("who?op=note&value=before-login"));
      String before = browser.sessionId();

      Map<String, Object> loggedIn =
          browser.json("POST", app.apply("who?op=login&user=bob&password=" + BOB_PASSWORD));
      assertThat(loggedIn)
          .as("request.login on a")
          .containsEntry("remoteUser", "bob")
          .containsEntry("user", true);
      assertThat(browser.sessionId()).isNotEqualTo(before);

      URI onB = other(app.apply("who"));
      assertThat(browser.json("GET", onB))
          .containsEntry("remoteUser", "bob")
          .containsEntry("note", "before-login")
          .containsEntry("admin", false);
      assertThat(browser.json("GET", other(app.apply("protected"))))
          .containsEntry("remoteUser", "bob");

      assertLoggedOut(browser.json("POST", other(app.apply("who?op=logout"))));
      assertLoggedOut(browser.json("GET", app.apply("who")));
      assertThat(browser.send("GET", app.apply("protected")).statusCode()).isIn(302, 401);

      HttpResponse<String> refused =
          browser.send("POST", app.apply("who?op=login&user=bob&password=wrong"));
      assertThat(refused.statusCode()).isEqualTo(403);
      assertLoggedOut(browser.json("GET", onB));
      assertThat(browser.cookieNamesSet()).as("cookies set").doesNotContain("JSESSIONID");
    }
  }

  @Test
  void webXmlFormLogin_isNamedInOneWarningAtDeployment() {
    for (AppServer server : List.of(a(), b())) {
      assertThat(
              server.log().lines().filter(l -> l.contains("/app declares a FORM login in web.xml")))
          .as("warnings on %s", server.name())
          .isNotEmpty();
      assertThat(server.log())
          .doesNotContain("/login declares a FORM login")
          .doesNotContain("/login-custom declares a FORM login");
    }
  }

  @Test
  void customFormMechanism_loginStepsOnAlternatingInstances_continueToTheProtectedPage()
      throws Exception {
    CookieJarClient browser = new CookieJarClient();
    HttpResponse<String> challenge = browser.send("GET", customForm(a(), "protected"));
    assertThat(challenge.statusCode()).as("protected page: %s", challenge.body()).isEqualTo(302);
    assertThat(URI.create(challenge.headers().firstValue("Location").orElseThrow()).getPath())
        .endsWith("/login-customform/signin-page");
    assertThat(browser.send("GET", customForm(b(), "signin-page")).body()).contains("password");

    HttpResponse<String> refused =
        browser.postForm(
            customForm(b(), "signin-page"), Map.of("user", "alice", "password", "wrong"));
    assertThat(refused.statusCode()).as("wrong password: %s", refused.body()).isEqualTo(401);
    assertThat(browser.send("GET", customForm(a(), "protected")).statusCode()).isEqualTo(302);

    HttpResponse<String> posted =
        browser.postForm(
            customForm(b(), "signin-page"), Map.of("user", "alice", "password", ALICE_PASSWORD));
    assertThat(posted.statusCode()).as("credentials on b: %s", posted.body()).isIn(302, 303);
    assertThat(URI.create(posted.headers().firstValue("Location").orElseThrow()).getPath())
        .endsWith("/login-customform/protected");
    assertThat(browser.json("GET", customForm(a(), "protected")))
        .containsEntry("remoteUser", "alice")
        .containsEntry("admin", true)
        .containsEntry("securityContextCaller", "alice");
    assertThat(browser.json("GET", customForm(b(), "who"))).containsEntry("remoteUser", "alice");

    assertLoggedOut(browser.json("POST", customForm(a(), "who?op=logout")));
    assertThat(browser.send("GET", customForm(b(), "protected")).statusCode()).isEqualTo(302);
    assertThat(browser.cookieNamesSet()).as("cookies set").doesNotContain("JSESSIONID");
  }

  private static URI customForm(AppServer server, String relative) {
    return server.baseUri().resolve("../login-customform/" + relative);
  }

  /** The same path and query on instance b. */
  private URI other(URI onA) {
    URI base = b().baseUri();
    return URI.create(
        base.getScheme()
            + "://"
            + base.getAuthority()
            + onA.getRawPath()
            + (onA.getRawQuery() == null ? "" : "?" + onA.getRawQuery()));
  }

  @Test
  @org.junit.jupiter.api.Order(100)
  void logins_madeNoContainerSession_exceptWhereTheServerMakesOneAtTheCredentialPost() {
    for (String app : List.of("/login-custom", "/login-customform", "/login")) {
      String own = "created an HttpSession of its own in " + app + ",";
      assertThat(a().log()).doesNotContain(own);
      if (!containerSessionAtCredentialPostback() || !app.equals("/login")) {
        assertThat(b().log()).doesNotContain(own);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Long> calls(CookieJarClient control, AppServer server)
      throws Exception {
    Map<String, Object> calls =
        (Map<String, Object>) control.json("GET", server.loginUri("who?op=calls")).get("calls");
    Map<String, Long> result = new java.util.TreeMap<>();
    calls.forEach((k, v) -> result.put(k, ((Number) v).longValue()));
    return result;
  }

  /**
   * Logs in through the FORM mechanism in three steps on the given instances: the protected page
   * (answered with a redirect to the login page, whose request is kept for after the login), the
   * credential POST (answered with a redirect back), the protected page again (the caller).
   */
  static void logIn(
      CookieJarClient browser,
      String user,
      String password,
      AppServer first,
      AppServer second,
      AppServer third)
      throws Exception {
    HttpResponse<String> challenge = browser.send("GET", first.loginUri("protected"));
    assertThat(challenge.statusCode())
        .as("protected page before the login on %s: %s", first.name(), challenge.body())
        .isEqualTo(302);
    URI loginPage = URI.create(challenge.headers().firstValue("Location").orElseThrow());
    assertThat(loginPage.getPath()).endsWith("/login/login.html");
    HttpResponse<String> page = browser.send("GET", second.loginUri("login.html"));
    assertThat(page.body()).contains("j_security_check");

    HttpResponse<String> posted =
        browser.postForm(
            second.loginUri("j_security_check"),
            Map.of("j_username", user, "j_password", password));
    assertThat(posted.statusCode())
        .as("credential POST on %s: %s", second.name(), posted.body())
        .isIn(302, 303);
    URI back = URI.create(posted.headers().firstValue("Location").orElseThrow());
    assertThat(back.getPath()).endsWith("/login/protected");

    Map<String, Object> done = browser.json("GET", third.loginUri("protected"));
    assertThat(done)
        .as("the page the login continued to, on %s", third.name())
        .containsEntry("remoteUser", user)
        .containsEntry("jsessionidSent", false);
    assertThat(browser.cookieValue("JSESSIONID")).as("container session cookie").isNull();
  }
}
