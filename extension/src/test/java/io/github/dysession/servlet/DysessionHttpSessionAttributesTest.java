package io.github.dysession.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tests the attributes of a {@link DysessionHttpSession} across requests, in a real Tomcat on an
 * in-memory store: each change reaches the store and fires the application's attribute listener and
 * the value's binding callbacks exactly once; a value changed in place is saved without {@code
 * setAttribute} and fires nothing.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DysessionHttpSessionAttributesTest {

  private static final RecordingListener LISTENER = new RecordingListener();

  @RegisterExtension
  static final EmbeddedTomcat TOMCAT =
      new EmbeddedTomcat()
          .listener(LISTENER)
          .servlet(
              "/set",
              (request, response) ->
                  request
                      .getSession()
                      .setAttribute(request.getParameter("name"), request.getParameter("value")))
          .servlet(
              "/ticket",
              (request, response) ->
                  request
                      .getSession()
                      .setAttribute("ticket", new Ticket(request.getParameter("label"))))
          .servlet(
              "/remove",
              (request, response) ->
                  request.getSession().removeAttribute(request.getParameter("name")))
          .servlet("/append", DysessionHttpSessionAttributesTest::append);

  private final Browser browser = new Browser();

  @SuppressWarnings("unchecked")
  private static void append(HttpServletRequest request, HttpServletResponse response) {
    HttpSession session = request.getSession();
    List<String> cart = (List<String>) session.getAttribute("cart");
    if (cart == null) {
      session.setAttribute("cart", new ArrayList<>(List.of(request.getParameter("item"))));
    } else {
      cart.add(request.getParameter("item"));
    }
  }

  @BeforeEach
  void forgetEvents() {
    LISTENER.clear();
  }

  @Test
  void addReplaceRemove_eachFiresItsListenerOnce_andReachesTheStore() throws Exception {
    browser.get(TOMCAT.uri("/set?name=colour&value=red"));
    String id = browser.sessionId();
    assertThat(TOMCAT.stored(id)).containsExactly(entry("colour", "red"));

    browser.get(TOMCAT.uri("/set?name=colour&value=blue"));
    assertThat(TOMCAT.stored(id)).containsExactly(entry("colour", "blue"));

    browser.get(TOMCAT.uri("/remove?name=colour"));
    assertThat(TOMCAT.stored(id)).isEmpty();

    browser.get(TOMCAT.uri("/remove?name=colour"));
    assertThat(LISTENER.events())
        .containsExactly(
            "created " + id, "added colour", "replaced colour was red", "removed colour");
  }

  @Test
  void bindingListenerValue_isBoundAndUnboundOnce_evenWhenReadBackFromTheStore() throws Exception {
    browser.get(TOMCAT.uri("/ticket?label=t1"));
    browser.get(TOMCAT.uri("/ticket?label=t2"));
    browser.get(TOMCAT.uri("/remove?name=ticket"));

    assertThat(Ticket.EVENTS).containsExactly("bound t1", "bound t2", "unbound t1", "unbound t2");
    assertThat(LISTENER.events())
        .endsWith("added ticket", "replaced ticket was Ticket[label=t1]", "removed ticket");
    assertThat(TOMCAT.stored(browser.sessionId())).isEmpty();
  }

  @Test
  void valueChangedInPlace_isSavedWithoutSetAttribute_andFiresNoAttributeEvent() throws Exception {
    browser.get(TOMCAT.uri("/append?item=apple"));
    String id = browser.sessionId();
    LISTENER.clear();

    browser.get(TOMCAT.uri("/append?item=pear"));
    browser.get(TOMCAT.uri("/append?item=plum"));

    assertThat(TOMCAT.stored(id)).containsExactly(entry("cart", List.of("apple", "pear", "plum")));
    assertThat(LISTENER.events()).isEmpty();
  }
}
