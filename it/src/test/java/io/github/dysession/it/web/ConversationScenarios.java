package io.github.dysession.it.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.CookieJarClient;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A long-running {@code @ConversationScoped} conversation of the Faces test application's {@code
 * /faces/conversation} servlet, begun on one instance, continued on the other and ended on the
 * first: it lives in dysession's session, not in a container session of one server; one that times
 * out is ended, whichever instance notices it. Run as a nested class of the pair suites whose
 * instances are of one server kind.
 */
abstract class ConversationScenarios extends PairScenarios {

  private static URI conversation(AppServer server, String query) {
    return server.baseUri().resolve("../faces/conversation?" + query);
  }

  @Test
  void conversation_begunOnA_continuesOnB_andEndsOnA() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    Map<String, Object> begun = browser.json("POST", conversation(a(), "op=begin"));
    String cid = (String) begun.get("cid");
    assertThat(cid).as("conversation id: %s", begun).isNotBlank();
    assertThat(begun).containsEntry("transient", false);

    assertThat(browser.json("POST", conversation(b(), "op=add&item=north&cid=" + cid)))
        .containsEntry("cid", cid)
        .containsEntry("items", List.of("north@b"));
    assertThat(browser.json("POST", conversation(a(), "op=add&item=south&cid=" + cid)))
        .containsEntry("items", List.of("north@b", "south@a"));
    // Without the cid the request has a transient conversation of its own: an empty cart.
    assertThat(browser.json("POST", conversation(b(), "op=show")))
        .containsEntry("transient", true)
        .containsEntry("items", List.of());
    assertThat(browser.json("POST", conversation(b(), "op=show&cid=" + cid)))
        .containsEntry("items", List.of("north@b", "south@a"));

    int destroyedBefore = destroyed(a());
    Map<String, Object> ended = browser.json("POST", conversation(a(), "op=end&cid=" + cid));
    assertThat(ended).containsEntry("transient", true);
    assertThat(destroyed(a()) - destroyedBefore)
        .as("@PreDestroy of the ended conversation's cart on a")
        .isEqualTo(1);

    HttpResponse<String> gone = browser.send("POST", conversation(b(), "op=show&cid=" + cid));
    assertThat(gone.statusCode()).as("the ended conversation on b: %s", gone.body()).isEqualTo(404);
    assertThat(gone.body()).contains("NonexistentConversationException");
    assertThat(browser.cookieNamesSet()).as("cookies set").doesNotContain("JSESSIONID");
  }

  @Test
  void conversation_thatTimedOut_isGoneOnTheOtherInstance_andItsBeansAreDestroyed()
      throws Exception {
    CookieJarClient browser = new CookieJarClient();
    Map<String, Object> begun =
        browser.json("POST", conversation(a(), "op=begin&timeoutMillis=1500"));
    String cid = (String) begun.get("cid");
    assertThat(browser.json("POST", conversation(b(), "op=add&item=east&cid=" + cid)))
        .containsEntry("items", List.of("east@b"));
    int destroyedBefore = destroyed(a()) + destroyed(b());

    Thread.sleep(2_500);
    // Any request of the session ends the conversations that timed out; the cid then names none.
    browser.json("POST", conversation(a(), "op=show"));
    HttpResponse<String> gone = browser.send("POST", conversation(b(), "op=show&cid=" + cid));
    assertThat(gone.statusCode())
        .as("the timed-out conversation on b: %s", gone.body())
        .isEqualTo(404);
    assertThat(gone.body()).contains("NonexistentConversationException");
    assertThat(destroyed(a()) + destroyed(b()) - destroyedBefore)
        .as("@PreDestroy of the timed-out conversation's cart, on either instance")
        .isEqualTo(1);
  }

  @Test
  void invalidatingTheSession_endsItsConversations_withPreDestroyOnce() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    String cid = (String) browser.json("POST", conversation(a(), "op=begin")).get("cid");
    assertThat(browser.json("POST", conversation(b(), "op=add&item=west&cid=" + cid)))
        .containsEntry("items", List.of("west@b"));
    int destroyedBefore = destroyed(a()) + destroyed(b());

    HttpResponse<String> invalidated =
        browser.send("POST", a().baseUri().resolve("../faces/events?op=invalidate"));
    assertThat(invalidated.statusCode()).isEqualTo(200);
    assertThat(destroyed(a()) + destroyed(b()) - destroyedBefore)
        .as("@PreDestroy of the invalidated session's conversation cart")
        .isEqualTo(1);
    HttpResponse<String> gone = browser.send("POST", conversation(b(), "op=show&cid=" + cid));
    assertThat(gone.statusCode())
        .as("the conversation after invalidation: %s", gone.body())
        .isEqualTo(404);
  }

  private static int destroyed(AppServer server) throws Exception {
    HttpResponse<String> r = new CookieJarClient().send("POST", conversation(server, "op=show"));
    String body = r.body();
    int at = body.indexOf("\"destroyed\":");
    return Integer.parseInt(body.substring(at + 12).replaceAll("[^0-9].*", ""));
  }
}
