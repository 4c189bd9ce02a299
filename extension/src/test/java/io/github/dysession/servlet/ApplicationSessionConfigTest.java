package io.github.dysession.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.config.DysessionSettings;
import io.github.dysession.config.DysessionSettings.SecureMode;
import io.github.dysession.config.SettingsSource;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApplicationSessionConfigTest {

  private static DysessionSettings settings(String... keyValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return DysessionSettings.from(SettingsSource.of(map));
  }

  private static ApplicationSessionConfig.Application app(
      int minutes,
      String name,
      String path,
      String domain,
      boolean secure,
      int maxAge,
      Map<String, String> attributes) {
    return new ApplicationSessionConfig.Application(
        minutes, name, path, domain, secure, maxAge, attributes);
  }

  private static HttpServletRequest request(String contextPath, boolean secure) {
    return (HttpServletRequest)
        Proxy.newProxyInstance(
            HttpServletRequest.class.getClassLoader(),
            new Class<?>[] {HttpServletRequest.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getContextPath" -> contextPath;
                  case "isSecure" -> secure;
                  default -> null;
                });
  }

  @Test
  void merge_whenDysessionKeysAreUnset_takesTheApplicationsTimeoutAndCookieConfig() {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("SameSite", "strict");
    attributes.put("Partitioned", "");
    ApplicationSessionConfig.Effective e =
        ApplicationSessionConfig.merge(
            settings(), app(2, "SHOPSESSION", "/shop", "example.com", true, 600, attributes));

    assertThat(e.maxInactiveInterval()).isEqualTo(Duration.ofSeconds(120));
    assertThat(e.cookie())
        .isEqualTo(
            new DysessionSettings.Cookie(
                "SHOPSESSION", SecureMode.ALWAYS, "Strict", "example.com", "/shop", true));
    assertThat(e.maxAge()).isEqualTo(600);
    assertThat(e.fromApplication())
        .contains("session-timeout 2 min", "cookie name SHOPSESSION", "cookie path /shop");
    assertThat(e.ignored()).isEmpty();
    String header =
        new SessionCookies(e.cookie(), e.maxAge(), e.extraAttributes())
            .setCookie(request("/app", false), "ID");
    assertThat(header)
        .isEqualTo(
            "SHOPSESSION=ID; Path=/shop; Domain=example.com; Max-Age=600; Secure; HttpOnly;"
                + " SameSite=Strict; Partitioned");
    // Clearing the cookie never carries the application's Max-Age.
    assertThat(
            new SessionCookies(e.cookie(), e.maxAge(), e.extraAttributes())
                .clearCookie(request("/app", false)))
        .contains("Max-Age=0;")
        .doesNotContain("Max-Age=600");
  }

  @Test
  void merge_whenDysessionKeysAreSet_theyWinOverTheApplications() {
    DysessionSettings explicit =
        settings(
            DysessionSettings.CACHE_PERIOD,
            "900",
            DysessionSettings.COOKIE_NAME,
            "MINE",
            DysessionSettings.COOKIE_PATH,
            "/",
            DysessionSettings.COOKIE_DOMAIN,
            "example.org",
            DysessionSettings.COOKIE_SECURE,
            "NEVER",
            DysessionSettings.COOKIE_SAME_SITE,
            "Lax");
    ApplicationSessionConfig.Effective e =
        ApplicationSessionConfig.merge(
            explicit,
            app(2, "SHOPSESSION", "/shop", "example.com", true, -1, Map.of("SameSite", "None")));

    assertThat(e.maxInactiveInterval()).isEqualTo(Duration.ofSeconds(900));
    assertThat(e.cookie())
        .isEqualTo(
            new DysessionSettings.Cookie(
                "MINE", SecureMode.NEVER, "Lax", "example.org", "/", true));
    assertThat(e.maxAge()).isEqualTo(-1);
    assertThat(e.fromApplication()).isEmpty();
  }

  @Test
  void
      merge_whenTheApplicationHasOnlyTheContainersDefaults_keepsDysessionsCookie_andTimeoutZeroNeverExpires() {
    ApplicationSessionConfig.Effective e =
        ApplicationSessionConfig.merge(
            settings(), app(0, "JSESSIONID", null, null, false, -1, Map.of()));

    assertThat(e.maxInactiveInterval()).isEqualTo(Duration.ZERO);
    assertThat(e.cookie()).isEqualTo(settings().cookie());
    assertThat(e.extraAttributes()).isEmpty();
    assertThat(
            ApplicationSessionConfig.merge(settings(), app(30, null, "", " ", false, 0, Map.of()))
                .cookie())
        .isEqualTo(settings().cookie());
  }

  @Test
  void merge_whenTheApplicationsValuesAreMalformed_ignoresEachWithANote() {
    ApplicationSessionConfig.Effective e =
        ApplicationSessionConfig.merge(
            settings(DysessionSettings.COOKIE_SECURE, "NEVER"),
            app(
                5,
                "bad name",
                "no-slash",
                "exa mple",
                false,
                -1,
                Map.of("SameSite", "None", "x;y", "1", "Note", "a;b")));

    assertThat(e.cookie().name()).isEqualTo("DYSESSION");
    assertThat(e.cookie().path()).isNull();
    assertThat(e.cookie().domain()).isNull();
    assertThat(e.cookie().sameSite()).isEqualTo("Lax");
    assertThat(e.extraAttributes()).isEmpty();
    assertThat(e.ignored()).hasSize(6).anyMatch(s -> s.startsWith("cookie SameSite=None"));
  }

  @Test
  void trackingWarning_onlyWhenTheApplicationAsksForMoreThanCookies() {
    EnumSet<SessionTrackingMode> cookieAndUrl =
        EnumSet.of(SessionTrackingMode.COOKIE, SessionTrackingMode.URL);
    EnumSet<SessionTrackingMode> cookie = EnumSet.of(SessionTrackingMode.COOKIE);
    assertThat(ApplicationSessionConfig.trackingWarning("/a", cookieAndUrl, cookieAndUrl)).isNull();
    assertThat(ApplicationSessionConfig.trackingWarning("/a", cookie, cookieAndUrl)).isNull();
    assertThat(ApplicationSessionConfig.trackingWarning("/a", cookieAndUrl, cookie))
        .startsWith(
            "/a asks for session tracking by URL: dysession tracks sessions by cookie only");
    assertThat(
            ApplicationSessionConfig.trackingWarning(
                "/a", EnumSet.of(SessionTrackingMode.URL), cookieAndUrl))
        .contains("by URL");
  }

  @Test
  void declaresCookiePath_onlyForAPathInsideCookieConfigOfSessionConfig() {
    assertThat(
            ApplicationSessionConfig.declaresCookiePath(
                "<web-app><session-config><cookie-config><name>X</name><path>/</path></cookie-config></session-config></web-app>"))
        .isTrue();
    assertThat(
            ApplicationSessionConfig.declaresCookiePath(
                "<web-app><session-config><session-timeout>2</session-timeout></session-config></web-app>"))
        .isFalse();
    assertThat(
            ApplicationSessionConfig.declaresCookiePath(
                "<web-app><!--"
                    + " <session-config><cookie-config><path>/</path></cookie-config></session-config>"
                    + " --></web-app>"))
        .isFalse();
  }
}
