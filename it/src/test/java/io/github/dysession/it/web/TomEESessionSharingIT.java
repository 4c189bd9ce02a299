package io.github.dysession.it.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.it.support.CookieJarClient;
import io.github.dysession.it.support.InstalledServer;
import io.github.dysession.it.support.ListeningSockets;
import io.github.dysession.it.support.TomEE;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The session-sharing suite on Payara Micro 6 ("a": Weld, Servlet 6) and Apache TomEE 9.0.0
 * microprofile ("b": OpenWebBeans, Servlet 5), both on the test JDK, sharing one table; test 5
 * moves one {@code @SessionScoped} counter bean a, b, a, b between the two server kinds.
 */
class TomEESessionSharingIT extends AbstractMixedFleetIT {

  @Override
  InstalledServer startOther(String name, Map<String, String> settings) {
    return TomEE.start(name, settings);
  }

  @Override
  String table() {
    return "tomee_sessions";
  }

  /** TomEE's CXF integration hands JAX-RS resources every session wrapped in its own adapter. */
  @Override
  Set<String> jaxRsSessionClasses() {
    return Set.of("DysessionHttpSession", "ServletSessionAdapter");
  }

  @Test
  @Order(50)
  void servlet5DeprecatedSessionMethods_workOnTomEE_andTheirValuesReachPayara() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    Map<String, Object> onTomEE =
        browser.json("POST", subject().uri("s?op=servlet5&name=legacy&value=putValue"));
    assertThat(onTomEE)
        .containsEntry("servlet5", "present")
        .containsEntry("getValue", "putValue")
        .containsEntry("valueNames", List.of("legacy"));
    // The deprecated session context is empty, as on Servlet 5 containers (JSON-B drops the null).
    assertThat(((Number) onTomEE.get("contextIds")).intValue()).isZero();
    assertThat(onTomEE.get("contextSession")).isNull();

    Map<String, Object> onPayara = browser.json("GET", payara().uri("s?op=dump"));
    assertThat(onPayara).containsEntry("node", "a");
    @SuppressWarnings("unchecked")
    Map<String, Object> session = (Map<String, Object>) onPayara.get("session");
    @SuppressWarnings("unchecked")
    Map<String, Object> attributes = (Map<String, Object>) session.get("attributes");
    assertThat(attributes).containsEntry("legacy", "putValue").doesNotContainKey("legacy-gone");
  }

  @Test
  @Order(51)
  void tomEE_firesCreationEvents_setsNoContainerCookie_andListensOnItsHttpPortOnly()
      throws Exception {
    TomEE tomee = (TomEE) subject();
    CookieJarClient control = new CookieJarClient();
    control.json("POST", tomee.uri("s?op=reset"));
    HttpResponse<String> counter = new CookieJarClient().send("POST", tomee.uri("api/counter"));
    assertThat(counter.statusCode()).isEqualTo(200);
    // The session the @SessionScoped bean made on TomEE fired the listener and the CDI event there.
    @SuppressWarnings("unchecked")
    Map<String, Number> events =
        (Map<String, Number>) control.json("GET", tomee.uri("s?op=events")).get("events");
    assertThat(events.get("sessionCreated:DysessionHttpSession"))
        .extracting(Number::intValue)
        .isEqualTo(1);
    assertThat(events.get("cdiInitialized:DysessionHttpSession"))
        .extracting(Number::intValue)
        .isEqualTo(1);
    assertThat(events.keySet())
        .noneMatch(k -> k.startsWith("sessionCreated:") && !k.endsWith("DysessionHttpSession"));
    assertThat(counter.headers().allValues("Set-Cookie"))
        .noneMatch(h -> h.startsWith("JSESSIONID"));
    assertThat(tomee.log())
        .doesNotContain("client=application's")
        .doesNotContain("store=application's");
    // Loopback only is checked for every server; TomEE should not even open a loopback socket
    // besides HTTP.
    if (ListeningSockets.supported()) {
      assertThat(tomee.listeningSockets())
          .extracting(ListeningSockets.Socket::port)
          .containsOnly(tomee.port());
    }
  }

  @Override
  boolean containerSessionAtCredentialPostback() {
    return true;
  }
}
