package io.github.dysession.it.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.InstalledServer;
import io.github.dysession.it.support.ListeningSockets;
import io.github.dysession.it.support.PayaraMicro;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The session-sharing suite on a mixed fleet: instance "a" is Payara Micro 6 (on the test JDK),
 * instance "b" another server kind, sharing one table. Every test that alternates between the
 * instances continues a session one server kind started on the other; the tests of one server's own
 * behaviour ({@link #subject()}) run on the server under test.
 */
abstract class AbstractMixedFleetIT extends AbstractSessionSharingIT {

  private InstalledServer other;

  /** Starts instance "b", the server under test. */
  abstract InstalledServer startOther(String name, Map<String, String> settings);

  @Override
  final AppServer start(String name, Map<String, String> settings) {
    if (name.equals("a")) {
      return PayaraMicro.builder(name + "-" + table())
          .release(PayaraMicro.Release.PAYARA_6)
          .javaHome(PayaraMicro.currentJavaHome())
          .systemProperties(settings)
          // Starts beside a heavier server on a busy machine.
          .readyTimeout(InstalledServer.READY_TIMEOUT)
          .start();
    }
    other = startOther(name + "-" + table(), settings);
    System.out.printf("[%s] %s ready in %.1f s, RSS %d MiB%n", getClass().getSimpleName(), other,
        other.startupTime().toMillis() / 1000.0, other.rssBytes() >> 20);
    return other;
  }

  /** The single-server tests run on the server under test; Payara (as "a") reads their results. */
  @Override
  AppServer subject() {
    return other;
  }

  @AfterAll
  void reportMemory() {
    if (other != null) {
      System.out.printf("[%s] %s RSS after the suite: %d MiB%n", getClass().getSimpleName(), other,
          other.rssBytes() >> 20);
    }
  }

  @Test
  @Order(19)
  void serverUnderTest_neverCreatedAContainerSession() {
    // dysession's ContainerSessionWarning logs this once if the container made a session of its own.
    assertThat(other.log()).contains("dysession's session filter is registered first for /app")
        .doesNotContain("created an HttpSession of its own");
  }

  @Test
  @Order(101)
  void serverUnderTest_killedAndRestarted_servesTheSessionsItHadBefore() throws Exception {
    Browser browser = new Browser();
    browser.json("POST", other.uri("s?op=set&name=before&value=kill"));
    browser.json("POST", other.uri("api/counter"));
    long pid = other.pid();
    other.kill();
    assertThat(other.pid()).isEqualTo(-1);
    other.restart();
    System.out.printf("[%s] %s restarted in %.1f s%n", getClass().getSimpleName(), other,
        other.startupTime().toMillis() / 1000.0);
    assertThat(other.pid()).isNotEqualTo(pid).isPositive();
    @SuppressWarnings("unchecked")
    Map<String, Object> session = (Map<String, Object>) browser.json("GET", other.uri("s?op=dump")).get("session");
    assertThat(session).isNotNull();
    @SuppressWarnings("unchecked")
    Map<String, Object> attributes = (Map<String, Object>) session.get("attributes");
    assertThat(attributes).containsEntry("before", "kill");
    assertThat(((Number) browser.json("GET", other.uri("api/counter")).get("count")).intValue()).isEqualTo(1);
  }

  @Test
  @Order(20)
  void serverUnderTest_listensOnLoopbackOnly() {
    if (ListeningSockets.supported()) {
      assertThat(other.listeningSockets()).isNotEmpty()
          .allMatch(ListeningSockets.Socket::isLoopback, "is on loopback");
    }
  }
}
