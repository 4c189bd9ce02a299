package io.github.dysession.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.config.DysessionSettings;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The expiry sweep in a real Tomcat on the in-memory store, sweeping every second: a session that
 * expires gets {@code sessionDestroyed} and {@code valueUnbound} once, with its values, and is
 * gone; a session kept in use is not ended; a session that never expires is never listed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExpirySweepTest {

  private static final RecordingListener LISTENER = new RecordingListener();

  @RegisterExtension
  static final EmbeddedTomcat TOMCAT =
      new EmbeddedTomcat()
          .setting(DysessionSettings.EXPIRY_SWEEP_INTERVAL, "1")
          .listener(LISTENER)
          .servlet("/start", ExpirySweepTest::start)
          .servlet(
              "/touch",
              (request, response) -> response.getWriter().print(request.getSession(false) != null));

  /** Starts a session holding a user and a ticket, living {@code seconds} after its last use. */
  private static void start(HttpServletRequest request, HttpServletResponse response) {
    HttpSession session = request.getSession();
    String label = request.getParameter("label");
    session.setAttribute("user", label);
    session.setAttribute("ticket", new Ticket(label));
    session.setMaxInactiveInterval(Integer.parseInt(request.getParameter("seconds")));
  }

  @BeforeEach
  void forget() {
    LISTENER.clear();
  }

  private static List<String> destroyed() {
    return LISTENER.events().stream().filter(e -> e.startsWith("destroyed ")).toList();
  }

  @Test
  void expiredSessions_endOnceWithTheirValues_andAreGone() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Browser browser = new Browser();
      browser.get(TOMCAT.uri("/start?label=e" + i + "&seconds=1"));
      ids.add(browser.sessionId());
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (destroyed().size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    // Passes go on meanwhile: nothing is ended twice.
    Thread.sleep(2_500);
    assertThat(destroyed())
        .containsExactlyInAnyOrder(
            "destroyed " + ids.get(0) + " user=e0",
            "destroyed " + ids.get(1) + " user=e1",
            "destroyed " + ids.get(2) + " user=e2");
    assertThat(Ticket.EVENTS.stream().filter(e -> e.startsWith("unbound")))
        .containsExactlyInAnyOrder("unbound e0", "unbound e1", "unbound e2");
    for (String id : ids) {
      assertThat(TOMCAT.store().recordExists(id)).as("record of an ended session").isFalse();
    }
  }

  @Test
  void aSessionInUse_isNotEnded_andOneThatNeverExpires_stays() throws Exception {
    Browser used = new Browser();
    used.get(TOMCAT.uri("/start?label=used&seconds=2"));
    Browser forever = new Browser();
    forever.get(TOMCAT.uri("/start?label=forever&seconds=0"));
    for (int i = 0; i < 12; i++) {
      Thread.sleep(500);
      assertThat(used.get(TOMCAT.uri("/touch")).body()).isEqualTo("true");
    }
    assertThat(destroyed()).isEmpty();
    assertThat(forever.get(TOMCAT.uri("/touch")).body()).isEqualTo("true");
    assertThat(TOMCAT.store().recordExists(forever.sessionId())).isTrue();
  }
}
