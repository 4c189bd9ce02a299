package io.github.dysession.it.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.CookieJarClient;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The session listeners of the Faces test application ({@code /faces}), registered every way a
 * framework or an application registers one: {@code XmlListener} by {@code web.xml} and
 * {@code @WebListener} both, {@code FragmentListener} by the {@code web-fragment.xml} of a jar in
 * {@code WEB-INF/lib}, {@code InitializerAddedListener} by that jar's initializer ({@code
 * addListener(Class)}), {@code ContextAddedListener} by a context listener ({@code
 * addListener(instance)}). Each hears each event of a dysession session once, on the instance where
 * it happens. Run as a nested class of every pair suite ({@link AbstractServerPairIT}).
 */
abstract class ListenerScenarios extends PairScenarios {

  static final List<String> LISTENERS =
      List.of(
          "XmlListener", "FragmentListener", "InitializerAddedListener", "ContextAddedListener");

  @Test
  void everySessionListener_hearsEachEventOnce_onTheInstanceWhereItHappens() throws Exception {
    reset(a());
    reset(b());
    CookieJarClient browser = new CookieJarClient();
    op(browser, a(), "set&name=probe&value=1");
    op(browser, b(), "set&name=probe&value=2");
    op(browser, a(), "changeId");
    op(browser, b(), "remove&name=probe");
    op(browser, b(), "invalidate");

    Map<String, Integer> onA = events(a());
    Map<String, Integer> onB = events(b());
    Map<String, Integer> expectedA = new LinkedHashMap<>();
    Map<String, Integer> expectedB = new LinkedHashMap<>();
    for (String listener : LISTENERS) {
      expectedA.put(listener + ":created", 1);
      expectedA.put(listener + ":added", 1);
      expectedA.put(listener + ":idChanged", 1);
      expectedB.put(listener + ":replaced", 1);
      expectedB.put(listener + ":removed", 1);
      expectedB.put(listener + ":destroyed", 1);
    }
    assertThat(onA).as("events on a").containsExactlyInAnyOrderEntriesOf(expectedA);
    assertThat(onB).as("events on b").containsExactlyInAnyOrderEntriesOf(expectedB);
    assertThat(browser.cookieNamesSet()).as("cookies set").doesNotContain("JSESSIONID");
  }

  static URI events(AppServer server, String query) {
    return server.baseUri().resolve("../faces/events" + (query.isEmpty() ? "" : "?op=" + query));
  }

  private static void op(CookieJarClient browser, AppServer server, String query) throws Exception {
    assertThat(browser.send("POST", events(server, query)).statusCode())
        .as("%s on %s", query, server.name())
        .isEqualTo(200);
  }

  static void reset(AppServer server) throws Exception {
    new CookieJarClient().send("POST", events(server, "reset"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Integer> events(AppServer server) throws Exception {
    Map<String, Object> report = new CookieJarClient().json("GET", events(server, ""));
    Map<String, Integer> counts = new LinkedHashMap<>();
    ((Map<String, Object>) report.get("listenerEvents"))
        .forEach((k, v) -> counts.put(k, ((Number) v).intValue()));
    return counts;
  }
}
