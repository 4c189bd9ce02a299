package io.github.dysession.it.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.ListeningSockets;
import io.github.dysession.it.support.PayaraMicro;
import io.github.dysession.it.support.TomEE;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The session-sharing suite on a mixed fleet: instance "a" is Payara Micro 6 (Weld, Servlet 6),
 * instance "b" is Apache TomEE 9.0.0 microprofile (OpenWebBeans, Servlet 5), both on the test JDK,
 * sharing one table. Every test that alternates between a and b moves a session between the two
 * server kinds, {@code @SessionScoped} beans included (test 5: a, b, a, b on one counter bean).
 */
class TomEESessionSharingIT extends AbstractSessionSharingIT {

  private AppServer payara;
  private TomEE tomee;

  @Override
  AppServer start(String name, Map<String, String> settings) {
    if (name.equals("a")) {
      payara = PayaraMicro.builder(name + "-" + table())
          .release(PayaraMicro.Release.PAYARA_6)
          .javaHome(PayaraMicro.currentJavaHome())
          .systemProperties(settings)
          .start();
      return payara;
    }
    tomee = TomEE.builder(name + "-" + table())
        .javaHome(PayaraMicro.currentJavaHome())
        .systemProperties(settings)
        .start();
    return tomee;
  }

  @Override
  String table() {
    return "tomee_sessions";
  }

  /** The tests of one server's own behaviour run on TomEE; Payara reads their results. */
  @Override
  AppServer subject() {
    return tomee;
  }

  /** TomEE's CXF integration hands JAX-RS resources every session wrapped in its own adapter. */
  @Override
  Set<String> jaxRsSessionClasses() {
    return Set.of("DysessionHttpSession", "ServletSessionAdapter");
  }

  @Test
  @Order(50)
  void servlet5DeprecatedSessionMethods_workOnTomEE_andTheirValuesReachPayara() throws Exception {
    Browser browser = new Browser();
    Map<String, Object> onTomEE = browser.json("POST",
        tomee.uri("s?op=servlet5&name=legacy&value=putValue"));
    assertThat(onTomEE).containsEntry("servlet5", "present")
        .containsEntry("getValue", "putValue")
        .containsEntry("valueNames", List.of("legacy"));
    // The deprecated session context is empty, as on Servlet 5 containers (JSON-B drops the null).
    assertThat(((Number) onTomEE.get("contextIds")).intValue()).isZero();
    assertThat(onTomEE.get("contextSession")).isNull();

    Map<String, Object> onPayara = browser.json("GET", payara.uri("s?op=dump"));
    assertThat(onPayara).containsEntry("node", "a");
    @SuppressWarnings("unchecked")
    Map<String, Object> session = (Map<String, Object>) onPayara.get("session");
    @SuppressWarnings("unchecked")
    Map<String, Object> attributes = (Map<String, Object>) session.get("attributes");
    assertThat(attributes).containsEntry("legacy", "putValue").doesNotContainKey("legacy-gone");
  }

  @Test
  @Order(51)
  void tomEE_firesCreationEvents_listensOnLoopbackOnly_andNeverCreatedAContainerSession() throws Exception {
    System.out.printf("TomEE ready in %d ms, RSS %d MiB; Payara Micro 6 ready in %d ms, RSS %d MiB%n",
        tomee.startupTime().toMillis(), tomee.rssBytes() >> 20,
        payara.startupTime().toMillis(), payara.rssBytes() >> 20);
    Browser control = new Browser();
    control.json("POST", tomee.uri("s?op=reset"));
    HttpResponse<String> counter = new Browser().send("POST", tomee.uri("api/counter"));
    assertThat(counter.statusCode()).isEqualTo(200);
    // The session the @SessionScoped bean made on TomEE fired the listener and the CDI event there.
    @SuppressWarnings("unchecked")
    Map<String, Number> events = (Map<String, Number>) control.json("GET", tomee.uri("s?op=events")).get("events");
    assertThat(events.get("sessionCreated:DysessionHttpSession")).extracting(Number::intValue).isEqualTo(1);
    assertThat(events.get("cdiInitialized:DysessionHttpSession")).extracting(Number::intValue).isEqualTo(1);
    assertThat(events.keySet()).noneMatch(k -> k.startsWith("sessionCreated:") && !k.endsWith("DysessionHttpSession"));
    assertThat(counter.headers().allValues("Set-Cookie")).noneMatch(h -> h.startsWith("JSESSIONID"));
    assertThat(tomee.log()).doesNotContain("The container created an HttpSession of its own")
        .doesNotContain("client=application's").doesNotContain("store=application's");
    if (ListeningSockets.supported()) {
      List<ListeningSockets.Socket> sockets = ListeningSockets.of(tomee.pid());
      assertThat(sockets).isNotEmpty().allMatch(ListeningSockets.Socket::isLoopback, "on loopback");
      assertThat(sockets).extracting(ListeningSockets.Socket::port).containsOnly(tomee.port());
    }
  }
}
