package io.github.dysession.it.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.it.support.PayaraMicro;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Faults during load, on two Payara Micro 6 instances with short DynamoDB timeouts (2 s per call,
 * 700 ms per attempt, 1 retry):
 * <ol>
 * <li>dynalite (data on disk) is killed with SIGKILL and restarted while clients keep sending:
 * requests in the gap get 503 with Retry-After, never 500, never a new session (no client's cookie
 * is ever replaced); afterwards every session is intact;</li>
 * <li>one Payara instance is killed with SIGKILL while clients keep sending: the load balancer (the
 * test) takes it out of the rotation a moment later, and clients continue on the other instance
 * with their sessions. With more than one kill, the killed instance is restarted under load before
 * the other one is killed, so a restarted instance serves the same sessions.</li>
 * </ol>
 * Quick run: {@code dysession.proof.fault.clients} (20) clients, {@code fault.outages} (1)
 * outage of {@code fault.outageMillis} (2000) ms, {@code fault.instanceKills} (1), with
 * {@code fault.betweenMillis} (1500) ms of load before, between and after the faults.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class FaultIT {

  private ProofCluster cluster;
  private final Map<String, String> figures = new LinkedHashMap<>();

  @BeforeAll
  void start() throws Exception {
    cluster = ProofCluster.start("fault", ProofCluster.SHORT_TIMEOUTS);
    figures.put("instances", "2 Payara Micro 6 (DynamoDB call timeout 2 s, attempt 700 ms, 1 retry), one dynalite");
  }

  @AfterAll
  void stop() {
    try {
      if (figures.size() > 1) {
        Report.publish("fault", figures);
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Test
  @Order(1)
  void dynamoDbKilledAndRestartedDuringLoad_answers503NeverANewSession_andEverySessionIsIntactAfterwards()
      throws Exception {
    int clients = Scale.integer("fault.clients", 20);
    int outages = Scale.integer("fault.outages", 1);
    Duration outage = Scale.millis("fault.outageMillis", 2000);
    Duration between = Scale.millis("fault.betweenMillis", 1500);
    LoadRun load = new LoadRun(cluster, clients, Duration.ofMillis(100));
    load.open();
    load.start(Integer.MAX_VALUE, Duration.ofMinutes(10));
    List<Long> gapAnswers = new ArrayList<>();
    try {
      for (int i = 0; i < outages; i++) {
        Thread.sleep(between.toMillis());
        long failedBefore = load.outcomesStartingWith("HTTP 503");
        cluster.dynalite().kill();
        try {
          Thread.sleep(outage.toMillis());
        } finally {
          cluster.dynalite().restart();
        }
        gapAnswers.add(load.outcomesStartingWith("HTTP 503") - failedBefore);
      }
      Thread.sleep(between.toMillis());
    } finally {
      load.stop();
    }
    load.verify(cluster.instances());
    long outageLines = 0;
    long recoveryLines = 0;
    for (PayaraMicro server : cluster.instances()) {
      String log = server.log();
      outageLines += log.lines().filter(l -> l.contains(" ERROR ") && l.contains("Could not ")).count();
      recoveryLines += log.lines().filter(l -> l.contains("DynamoDB calls succeed again")).count();
    }
    figures.put("dynalite outages survived (SIGKILL, restart on the same data)",
        outages + " x " + outage.toMillis() + " ms, under load");
    record("dynalite run", load);
    figures.put("dynalite run: 503 answers per outage", gapAnswers.toString());
    figures.put("dynalite run: server log lines about outages (ERROR / recovered, both instances)",
        outageLines + " / " + recoveryLines);

    assertThat(load.outcomes().keySet()).as("answers").allMatch(k -> k.equals("HTTP 200") || k.equals("HTTP 503"));
    assertThat(gapAnswers).as("503 answers in each outage").allMatch(n -> n > 0);
    assertThat(load.sum(u -> u.missingRetryAfter)).as("503 without Retry-After").isZero();
    assertThat(load.sum(u -> u.cookieChanges)).as("Set-Cookie after a client's first request").isZero();
    assertThat(load.sum(u -> u.freshSessions)).as("answers with a new session").isZero();
    assertThat(load.sum(u -> u.sessionSwitches)).as("answers carrying another session").isZero();
    assertThat(load.sum(u -> u.disagreements)).as("instances disagreeing on a client's counts").isZero();
    assertThat(load.inconsistentClients()).as("clients whose stored counts differ from their successful increments")
        .isEmpty();
    assertThat(outageLines).as("ERROR lines: one per outage and instance, not one per request")
        .isLessThanOrEqualTo(outages * 2L * 3);
  }

  @Test
  @Order(2)
  void payaraInstanceKilledDuringLoad_clientsContinueOnTheOther_andSessionsAreIntact() throws Exception {
    int clients = Scale.integer("fault.clients", 20);
    int kills = Scale.integer("fault.instanceKills", 1);
    Duration between = Scale.millis("fault.betweenMillis", 1500);
    PayaraMicro a = cluster.a();
    PayaraMicro b = cluster.b();
    LoadRun load = new LoadRun(cluster, clients, Duration.ofMillis(100));
    load.open();
    load.start(Integer.MAX_VALUE, Duration.ofMinutes(10));
    List<Long> servedBySurvivor = new ArrayList<>();
    List<String> restarts = new ArrayList<>();
    try {
      for (int i = 0; i < kills; i++) {
        PayaraMicro victim = i % 2 == 0 ? b : a;
        PayaraMicro survivor = victim == a ? b : a;
        Thread.sleep(between.toMillis());
        victim.kill();
        // A load balancer's health check notices a moment later; requests sent meanwhile fail.
        Thread.sleep(200);
        load.rotation(List.of(survivor));
        long okBefore = load.outcomesStartingWith("HTTP 200");
        Thread.sleep(between.toMillis());
        servedBySurvivor.add(load.outcomesStartingWith("HTTP 200") - okBefore);
        if (i + 1 < kills) {
          // The next kill hits the survivor: bring the victim back (under load) first.
          long t0 = System.nanoTime();
          victim.restart();
          restarts.add(String.format("%.0f s", (System.nanoTime() - t0) / 1e9));
          load.rotation(List.of(a, b));
          Thread.sleep(between.toMillis());
        }
      }
    } finally {
      load.stop();
    }
    // Every client's session, read from the instance(s) still up (for more than one kill, that
    // includes an instance restarted during the run).
    load.verify(List.of(a, b).stream().filter(PayaraMicro::isRunning).toList());
    figures.put("Payara instances killed (SIGKILL) under load", kills
        + (restarts.isEmpty() ? "" : " (each but the last restarted under load, in " + String.join(", ", restarts) + ")"));
    record("instance run", load);
    figures.put("instance run: successful answers from the survivor while the other was down",
        servedBySurvivor.toString());

    assertThat(load.outcomes().keySet()).as("answers")
        .allMatch(k -> k.equals("HTTP 200") || k.equals("HTTP 503") || k.startsWith("no answer from"));
    assertThat(servedBySurvivor).as("the survivor served every client on").allMatch(n -> n >= clients);
    assertThat(load.sum(u -> u.cookieChanges)).as("Set-Cookie after a client's first request").isZero();
    assertThat(load.sum(u -> u.freshSessions)).as("answers with a new session").isZero();
    assertThat(load.sum(u -> u.sessionSwitches)).as("answers carrying another session").isZero();
    assertThat(load.sum(u -> u.disagreements)).as("instances disagreeing on a client's counts").isZero();
    assertThat(load.inconsistentClients()).as("clients whose stored counts differ from their successful increments")
        .isEmpty();
  }

  @Test
  @Order(3)
  void noSessionIdIssuedDuringTheRun_appearsInAServerLog() throws Exception {
    assertThat(cluster.rememberedIds()).isNotEmpty();
    assertThat(cluster.idsInLogs()).isEmpty();
  }

  private void record(String run, LoadRun load) {
    figures.put(run + ": clients (one session each) / requests", load.users().size() + " / " + load.requests());
    figures.put(run + ": answers", format(load.outcomes()));
    figures.put(run + ": updates lost (attribute / bean)",
        load.sum(u -> u.attribute.lost) + " / " + load.sum(u -> u.bean.lost));
    figures.put(run + ": failed requests whose write landed anyway (attribute / bean)",
        load.sum(u -> u.attribute.landed) + " / " + load.sum(u -> u.bean.landed));
    figures.put(run + ": sessions replaced or switched", Integer.toString(
        load.sum(u -> u.cookieChanges) + load.sum(u -> u.sessionSwitches) + load.sum(u -> u.freshSessions)));
  }

  private static String format(Map<String, Long> outcomes) {
    return outcomes.toString().replaceAll("[{}]", "").replace("=", ": ");
  }
}
