package io.github.dysession.it.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.ListeningSockets;
import io.github.dysession.it.support.OpenLiberty;
import io.github.dysession.it.support.PayaraMicro;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The session-sharing suite on a mixed fleet: instance "a" is Payara Micro 6, instance "b" is Open
 * Liberty 26 (Weld 5, the features of {@link OpenLiberty#DEFAULT_FEATURES}), both on the test JDK
 * (17) and one dynalite table. Every test alternates between them, so each session, attribute and
 * {@code @SessionScoped} bean written by one server kind is read and changed by the other.
 */
class OpenLibertySessionSharingIT extends AbstractSessionSharingIT {

  private volatile OpenLiberty liberty;
  private volatile AppServer payara;
  /**
   * Open Liberty boots only once Payara is up (or has failed): booting both at once on a busy
   * 2-core machine let Payara's first requests time out past its readiness grace.
   */
  private final CountDownLatch payaraStarted = new CountDownLatch(1);
  private volatile Map<String, String> libertySettings;

  @Override
  AppServer start(String name, Map<String, String> settings) {
    if (name.equals("a")) {
      try {
        payara = PayaraMicro.builder(name + "-" + table())
            .release(PayaraMicro.Release.PAYARA_6)
            .javaHome(PayaraMicro.currentJavaHome())
            .systemProperties(settings)
            .start();
        return payara;
      } finally {
        payaraStarted.countDown();
      }
    }
    try {
      payaraStarted.await(240, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for Payara to start", e);
    }
    libertySettings = new LinkedHashMap<>(settings);
    OpenLiberty server = OpenLiberty.builder(name + "-" + table())
        .javaHome(PayaraMicro.currentJavaHome())
        .systemProperties(settings)
        .start();
    liberty = server;
    System.out.printf("Open Liberty %s ready in %d ms, RSS %d MiB%n", server.name(),
        server.startupTime().toMillis(), server.rssBytes() / (1024 * 1024));
    return server;
  }

  @Override
  String table() {
    return "liberty_sessions";
  }

  /** The tests of one server's own behaviour run on Open Liberty; Payara reads their results. */
  @Override
  AppServer subject() {
    return liberty;
  }

  @Test
  @Order(50)
  void liberty_listensOnLoopbackOnly_andCreatesNoContainerSession() throws Exception {
    if (ListeningSockets.supported()) {
      List<ListeningSockets.Socket> listening = ListeningSockets.of(liberty.pid());
      assertThat(listening).as("sockets of Open Liberty (pid %d)", liberty.pid())
          .isNotEmpty()
          .allMatch(ListeningSockets.Socket::isLoopback, "is on loopback");
    }
    assertThat(liberty.log()).contains("CWWKZ0001I")
        .contains("dysession's session filter is registered first for /app with 3 session listeners")
        .doesNotContain("The container created an HttpSession of its own")
        .doesNotContain("NoClassDefFoundError").doesNotContain("WELD-001304");
  }

  @Test
  @Order(60)
  void withoutTheMpConfigFeature_deploymentFailsWithOneErrorNamingTheFeature() {
    List<String> features = OpenLiberty.DEFAULT_FEATURES.stream()
        .filter(f -> !f.startsWith("mpConfig")).toList();
    var failure = assertThatThrownBy(() -> OpenLiberty.builder("no-mpconfig")
            .features(features)
            .systemProperties(libertySettings)
            .start()
            .close());
    failure.satisfies(e -> assertThat(e.getMessage().lines().filter(l -> l.contains(" E ")))
            .as("ERROR lines of Liberty's log").hasSize(1));
    failure.isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("could not start the application")
        .hasMessageContaining("CWWKZ0002E")
        .hasMessageContaining("MicroProfile Config (org.eclipse.microprofile.config) is not available"
            + " to the application on Open Liberty. Add <feature>mpConfig-3.1</feature>")
        .hasMessageNotContaining("NoClassDefFoundError");
  }

  @Test
  @Order(70)
  @SuppressWarnings("unchecked")
  void libertyKilledAndRestarted_continuesTheSessionPayaraKeptServing() throws Exception {
    Browser browser = new Browser();
    browser.json("POST", payara.uri("s?op=set&name=phoenix&value=rises"));
    browser.json("POST", liberty.uri("api/counter"));
    long pid = liberty.pid();
    liberty.kill();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("JVM %d alive", pid).isFalse();
    assertThat(((Number) browser.json("POST", payara.uri("api/counter")).get("count")).longValue()).isEqualTo(2);
    liberty.restart();
    assertThat(liberty.pid()).isNotEqualTo(pid);
    Map<String, Object> dump = browser.json("GET", liberty.uri("s?op=dump"));
    assertThat((Map<String, Object>) ((Map<String, Object>) dump.get("session")).get("attributes"))
        .containsEntry("phoenix", "rises");
    Map<String, Object> counter = browser.json("POST", liberty.uri("api/counter"));
    assertThat(((Number) counter.get("count")).longValue()).isEqualTo(3);
    assertThat((List<String>) counter.get("nodes")).containsExactly("b", "a", "b");
  }
}
