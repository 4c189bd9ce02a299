package io.github.dysession.it.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.CookieJarClient;
import io.github.dysession.it.support.InstalledServer;
import io.github.dysession.it.support.ListeningSockets;
import io.github.dysession.it.support.PayaraMicro;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

  /** How long the server under test waits for Payara's start before it starts anyway. */
  private static final long PAYARA_START_WAIT_SECONDS = 240;

  private volatile AppServer payara;
  private volatile InstalledServer other;

  /**
   * The server under test boots only once Payara is up (or has failed): booting both at once on a
   * busy 2-core machine let Payara's first requests time out past its readiness grace.
   */
  private final CountDownLatch payaraStarted = new CountDownLatch(1);

  /** Starts instance "b", the server under test. */
  abstract InstalledServer startOther(String name, Map<String, String> settings);

  @Override
  final AppServer start(String name, Map<String, String> settings) {
    if (name.equals("a")) {
      try {
        payara =
            PayaraMicro.builder(name + "-" + table())
                .release(PayaraMicro.Release.PAYARA_6)
                .javaHome(PayaraMicro.currentJavaHome())
                .systemProperties(settings)
                .alsoDeploy(PayaraMicro.loginWars())
                // Starts beside a heavier server on a busy machine.
                .readyTimeout(InstalledServer.READY_TIMEOUT)
                .start();
        System.out.printf(
            "[%s] Payara Micro 6 %s ready in %.1f s, RSS %d MiB%n",
            getClass().getSimpleName(),
            payara.name(),
            payara.startupTime().toMillis() / 1000.0,
            payara.rssBytes() >> 20);
        return payara;
      } finally {
        payaraStarted.countDown();
      }
    }
    try {
      payaraStarted.await(PAYARA_START_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for Payara to start", e);
    }
    other = startOther(name + "-" + table(), settings);
    System.out.printf(
        "[%s] %s ready in %.1f s, RSS %d MiB%n",
        getClass().getSimpleName(),
        other,
        other.startupTime().toMillis() / 1000.0,
        other.rssBytes() >> 20);
    return other;
  }

  /**
   * Returns the server under test ("b"): the single-server tests run on it; Payara ("a") reads
   * their results.
   */
  @Override
  InstalledServer subject() {
    return other;
  }

  /** Payara's Mojarra and the other server's Faces share no Faces state (README, Faces). */
  @Override
  boolean sameKind() {
    return false;
  }

  /** Returns instance "a", Payara Micro 6. */
  AppServer payara() {
    return payara;
  }

  @AfterAll
  void reportMemory() {
    if (other != null) {
      System.out.printf(
          "[%s] %s RSS after the suite: %d MiB%n",
          getClass().getSimpleName(), other, other.rssBytes() >> 20);
    }
  }

  @Test
  @Order(19)
  void serverUnderTest_neverCreatedAContainerSession() {
    // dysession's ContainerSessionWarning logs this once if the container made a session of its
    // own.
    assertThat(other.log())
        .contains("dysession's session filter is registered first for /app")
        .doesNotContain("created an HttpSession of its own in /app,");
  }

  @Test
  @Order(101)
  @SuppressWarnings("unchecked")
  void serverUnderTest_killedAndRestarted_servesTheSessionsItHadBefore() throws Exception {
    CookieJarClient browser = new CookieJarClient();
    browser.json("POST", other.uri("s?op=set&name=before&value=kill"));
    browser.json("POST", payara.uri("s?op=set&name=phoenix&value=rises"));
    browser.json("POST", other.uri("api/counter"));
    long pid = other.pid();
    other.kill();
    assertThat(other.pid()).isEqualTo(-1);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
        .as("JVM %d alive", pid)
        .isFalse();
    // Payara keeps serving the session while the server under test is down.
    assertThat(((Number) browser.json("POST", payara.uri("api/counter")).get("count")).intValue())
        .isEqualTo(2);
    other.restart();
    System.out.printf(
        "[%s] %s restarted in %.1f s%n",
        getClass().getSimpleName(), other, other.startupTime().toMillis() / 1000.0);
    assertThat(other.pid()).isNotEqualTo(pid).isPositive();
    Map<String, Object> session =
        (Map<String, Object>) browser.json("GET", other.uri("s?op=dump")).get("session");
    assertThat(session).isNotNull();
    Map<String, Object> attributes = (Map<String, Object>) session.get("attributes");
    assertThat(attributes).containsEntry("before", "kill").containsEntry("phoenix", "rises");
    assertThat(((Number) browser.json("GET", other.uri("api/counter")).get("count")).intValue())
        .isEqualTo(2);
    Map<String, Object> counter = browser.json("POST", other.uri("api/counter"));
    assertThat(((Number) counter.get("count")).intValue()).isEqualTo(3);
    assertThat((List<String>) counter.get("nodes")).containsExactly("b", "a", "b");
  }

  @Test
  @Order(20)
  void serverUnderTest_listensOnLoopbackOnly() {
    if (ListeningSockets.supported()) {
      assertThat(other.listeningSockets())
          .isNotEmpty()
          .allMatch(ListeningSockets.Socket::isLoopback, "is on loopback");
    }
  }
}
