package io.github.dysession.it.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.it.support.CookieJarClient;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The applications' own session settings, with no dysession key set for them: the Faces test
 * application's {@code web.xml} asks for sessions of 2 minutes and the cookie {@code FACESSESSION}
 * on path {@code /}; the login test application with its own mechanism names a cookie in its {@code
 * cookie-config} too, but sets {@code dysession.cookie.name=DYSESSION} in its {@code
 * microprofile-config.properties}, which wins. Run as a nested class of every pair suite.
 */
abstract class SessionConfigScenarios extends PairScenarios {

  private Map<String, AttributeValue> item(String sessionId) {
    return pair().storedItem(sessionId);
  }

  @Test
  void webXmlSessionTimeoutAndCookieConfig_areTheSessionsDefaults_onBothInstances()
      throws Exception {
    CookieJarClient browser = new CookieJarClient();
    URI set = a().baseUri().resolve("../faces/events?op=set&name=probe&value=1");
    HttpResponse<String> created = browser.send("POST", set);
    assertThat(created.statusCode()).isEqualTo(200);
    List<String> cookies = created.headers().allValues("Set-Cookie");
    assertThat(cookies).as("Set-Cookie of /faces").hasSize(1);
    assertThat(cookies.get(0))
        .startsWith("FACESSESSION=")
        .contains("; Path=/;")
        .contains("; HttpOnly");
    String id = browser.cookieValue("FACESSESSION");

    Map<String, AttributeValue> item = item(id);
    assertThat(item.get("ds_max_inactive").n()).isEqualTo("120");
    long accessedSeconds = Long.parseLong(item.get("ds_accessed").n()) / 1000;
    assertThat(Long.parseLong(item.get("ttl").n()) - accessedSeconds)
        .as("TTL after the last access, s")
        .isBetween(119L, 121L);

    // The other instance serves that session by the same cookie.
    HttpResponse<String> onB =
        browser.send("POST", b().baseUri().resolve("../faces/events?op=set&name=probe&value=2"));
    assertThat(onB.statusCode()).isEqualTo(200);
    assertThat(onB.body()).contains("\"sessionClass\":\"DysessionHttpSession\"");
    assertThat(onB.headers().allValues("Set-Cookie")).as("no new cookie on b").isEmpty();
    assertThat(item(id).get("ds_max_inactive").n()).isEqualTo("120");
    assertThat(a().log())
        .contains(
            "dysession sessions of /faces: max inactive interval 120 s, cookie FACESSESSION; from"
                + " the application's session-config: session-timeout 2 min, cookie name"
                + " FACESSESSION, cookie path /");
    browser.send("POST", a().baseUri().resolve("../faces/events?op=invalidate"));
  }

  @Test
  void explicitDysessionCookieName_winsOverTheApplicationsCookieConfig() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    HttpResponse<String> response =
        browser.postForm(
            a().baseUri().resolve("../login-custom/signin"),
            Map.of("user", "bob", "password", "bob-secret"));
    assertThat(response.body()).contains("\"signedIn\":true");
    List<String> cookies = response.headers().allValues("Set-Cookie");
    assertThat(cookies)
        .as("Set-Cookie of /login-custom")
        .anyMatch(c -> c.startsWith("DYSESSION="))
        .noneMatch(c -> c.startsWith("LOGINCUSTOMSESSION="));
    assertThat(a().log())
        .contains("dysession sessions of /login-custom: max inactive interval")
        .contains("cookie DYSESSION; from the application's session-config: session-timeout");
    assertThat(b().log()).doesNotContain("cookie LOGINCUSTOMSESSION");
  }
}
