package io.github.dysession.it.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.CookieJarClient;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Jakarta Faces pages on two instances of one server kind (one Faces implementation and version),
 * as a user behind a round-robin balancer uses them: each request of a page goes to the other
 * instance than the one before. The Faces test application ({@code /faces}) is deployed on both,
 * with no dysession setting of its own (no allow-list). Run as a nested class of every pair suite
 * ({@link AbstractServerPairIT}) whose instances are of one server kind.
 */
abstract class FacesScenarios extends PairScenarios {

  private static final Pattern FORM =
      Pattern.compile("<form\\b[^>]*\\bid=\"f\"[^>]*>(.*?)</form>", Pattern.DOTALL);
  private static final Pattern ACTION = Pattern.compile("\\baction=\"([^\"]*)\"");
  private static final Pattern INPUT = Pattern.compile("<input\\b[^>]*>");
  private static final Pattern ATTRIBUTE = Pattern.compile("\\b(name|value|type)=\"([^\"]*)\"");

  @Test
  void viewScopedCounter_postbacksOnAlternatingInstances_countOn_andTheSessionBeanCountsFromEl()
      throws Exception {
    CookieJarClient browser = new CookieJarClient();
    Page page = Page.get(browser, a(), "counter.xhtml");
    assertThat(page.span("view")).isEqualTo("0");
    assertThat(page.span("session")).isEqualTo("0");

    page = page.submit(browser, b(), "f:inc", Map.of());
    assertThat(page.span("view")).as("first postback, on b").isEqualTo("1");
    page = page.submit(browser, a(), "f:inc", Map.of());
    assertThat(page.span("view")).as("second postback, on a").isEqualTo("2");
    page = page.submit(browser, b(), "f:inc", Map.of());
    assertThat(page.span("view")).as("third postback, on b").isEqualTo("3");
    assertThat(page.span("session")).isEqualTo("3");

    // A new view starts at 0; the session bean kept counting.
    Page fresh = Page.get(browser, a(), "counter.xhtml");
    assertThat(fresh.span("view")).isEqualTo("0");
    assertThat(fresh.span("session")).isEqualTo("3");
    assertThat(browser.json("GET", faces(b(), "events")))
        .containsEntry("sessionClass", "DysessionHttpSession");
    assertThat(browser.cookieNamesSet()).as("cookies set").doesNotContain("JSESSIONID");
  }

  @Test
  void flash_survivesARedirectToTheOtherInstance_withItsKeptValueAndMessage() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    Page form = Page.get(browser, a(), "flash.xhtml");
    HttpResponse<String> sent =
        form.post(browser, b(), "f:send", Map.of("f:message", "hello from b, café ü"));
    assertThat(sent.statusCode()).as("flash form: %s", sent.body()).isIn(302, 303);
    URI location = URI.create(sent.headers().firstValue("Location").orElseThrow());
    assertThat(location.getPath()).endsWith("/faces/flash-shown.xhtml");

    // Non-ASCII input, too: the form body is read as UTF-8.
    Page shown = Page.get(browser, on(a(), location));
    assertThat(shown.span("message")).as("flash value on a").isEqualTo("hello from b, café ü");
    assertThat(shown.span("sticky")).isEqualTo("kept hello from b, café ü");
    assertThat(shown.span("kept")).as("kept message").isEqualTo("sent hello from b, café ü");

    // The next request, on b: the flash value and the message are gone, the kept value is not.
    Page again = Page.get(browser, on(b(), location));
    assertThat(again.span("message")).as("flash value, one request later").isEmpty();
    assertThat(again.span("kept")).as("message, one request later").isEmpty();
    assertThat(again.span("sticky")).as("kept value, on b").isEqualTo("kept hello from b, café ü");
    assertThat(browser.cookieNamesSet())
        .as("cookies set (csfcfc: Mojarra's per-instance flash cookie)")
        .doesNotContain("JSESSIONID", "csfcfc");
  }

  @Test
  void flowScopedWizard_threePagesOnAlternatingInstances_keepsItsValues() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    Page start = Page.get(browser, a(), "start.xhtml");
    Page first = start.submit(browser, b(), "f:enter", Map.of());
    assertThat(first.span("page")).as("flow entered on b: %s", first.body).isEqualTo("1");

    Page second = first.submit(browser, a(), "f:next", Map.of("f:first", "north"));
    assertThat(second.span("page")).as("second page, on a: %s", second.body).isEqualTo("2");
    assertThat(second.span("first")).isEqualTo("north");

    Page third = second.submit(browser, b(), "f:next", Map.of("f:second", "south"));
    assertThat(third.span("page")).as("third page, on b: %s", third.body).isEqualTo("3");
    assertThat(third.span("first")).isEqualTo("north");
    assertThat(third.span("second")).isEqualTo("south");
    assertThat(browser.cookieNamesSet()).as("cookies set").doesNotContain("JSESSIONID");
  }

  @Test
  void invalidation_endsTheViewScopedBean_once() throws Exception {
    ListenerScenarios.reset(a());
    ListenerScenarios.reset(b());
    CookieJarClient browser = new CookieJarClient();
    Page page = Page.get(browser, a(), "counter.xhtml").submit(browser, b(), "f:inc", Map.of());
    assertThat(page.span("view")).isEqualTo("1");
    assertThat(browser.send("POST", faces(a(), "events?op=invalidate")).statusCode())
        .isEqualTo(200);
    int destroyed = 0;
    for (AppServer server : new AppServer[] {a(), b()}) {
      destroyed +=
          ((Number)
                  new CookieJarClient()
                      .json("GET", faces(server, "events"))
                      .get("viewBeansDestroyed"))
              .intValue();
    }
    assertThat(destroyed)
        .as("@PreDestroy calls of the view-scoped bean on both instances")
        .isEqualTo(1);
  }

  private static URI faces(AppServer server, String relative) {
    return server.baseUri().resolve("../faces/" + relative);
  }

  /** The same path and query on {@code server}. */
  private static URI on(AppServer server, URI uri) {
    return server
        .baseUri()
        .resolve(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
  }

  /** A rendered Faces page: its body, and its form {@code f}'s action and fields. */
  private record Page(String body, String action, Map<String, String> hidden) {

    static Page get(CookieJarClient browser, AppServer server, String relative) throws Exception {
      return get(browser, faces(server, relative));
    }

    static Page get(CookieJarClient browser, URI uri) throws Exception {
      HttpResponse<String> response = browser.send("GET", uri);
      assertThat(response.statusCode()).as("GET %s: %s", uri, response.body()).isEqualTo(200);
      return parse(response.body());
    }

    static Page parse(String body) {
      Matcher form = FORM.matcher(body);
      if (!form.find()) {
        return new Page(body, null, Map.of());
      }
      Matcher action =
          ACTION.matcher(body.substring(form.start(), body.indexOf('>', form.start())));
      assertThat(action.find()).as("form action in %s", body).isTrue();
      Map<String, String> hidden = new LinkedHashMap<>();
      Matcher input = INPUT.matcher(form.group(1));
      while (input.find()) {
        Map<String, String> attributes = new LinkedHashMap<>();
        Matcher attribute = ATTRIBUTE.matcher(input.group());
        while (attribute.find()) {
          attributes.put(attribute.group(1), unescape(attribute.group(2)));
        }
        if ("hidden".equals(attributes.get("type")) && attributes.containsKey("name")) {
          hidden.put(attributes.get("name"), attributes.getOrDefault("value", ""));
        }
      }
      return new Page(body, unescape(action.group(1)), hidden);
    }

    /** Returns the text of the span with {@code id}. */
    String span(String id) {
      Matcher span =
          Pattern.compile("<span id=\"" + Pattern.quote(id) + "\">([^<]*)</span>").matcher(body);
      assertThat(span.find()).as("span %s in %s", id, body).isTrue();
      return unescape(span.group(1));
    }

    /** Posts the form to {@code server} by its button {@code button}, with {@code fields}. */
    HttpResponse<String> post(
        CookieJarClient browser, AppServer server, String button, Map<String, String> fields)
        throws Exception {
      assertThat(action).as("a form in %s", body).isNotNull();
      Map<String, String> values = new LinkedHashMap<>(hidden);
      values.putAll(fields);
      values.put(button, button.substring(button.indexOf(':') + 1));
      return browser.postForm(on(server, URI.create(action)), values);
    }

    /**
     * Posts the form and returns the page it leads to (following a redirect on the same instance).
     */
    Page submit(
        CookieJarClient browser, AppServer server, String button, Map<String, String> fields)
        throws Exception {
      HttpResponse<String> response = post(browser, server, button, fields);
      if (response.statusCode() == 302 || response.statusCode() == 303) {
        return get(
            browser,
            on(server, URI.create(response.headers().firstValue("Location").orElseThrow())));
      }
      assertThat(response.statusCode())
          .as("POST on %s: %s", server.name(), response.body())
          .isEqualTo(200);
      return parse(response.body());
    }

    private static String unescape(String html) {
      Matcher entity = Pattern.compile("&(#x?[0-9a-fA-F]+|amp|lt|gt|quot|apos);").matcher(html);
      StringBuilder out = new StringBuilder();
      while (entity.find()) {
        String e = entity.group(1);
        String replacement =
            switch (e) {
              case "amp" -> "&";
              case "lt" -> "<";
              case "gt" -> ">";
              case "quot" -> "\"";
              case "apos" -> "'";
              default ->
                  String.valueOf(
                      (char)
                          (e.startsWith("#x")
                              ? Integer.parseInt(e.substring(2), 16)
                              : Integer.parseInt(e.substring(1))));
            };
        entity.appendReplacement(out, Matcher.quoteReplacement(replacement));
      }
      entity.appendTail(out);
      return out.toString();
    }
  }
}
