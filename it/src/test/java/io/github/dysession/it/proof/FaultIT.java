package io.github.dysession.it.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.it.support.CookieJarClient;
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
 *
 * <ol>
 *   <li>dynalite (data on disk) is killed with SIGKILL and restarted while clients keep sending:
 *       requests in the gap get 503 with Retry-After, never 500, never a new session (no client's
 *       cookie is ever replaced); afterwards every session is intact. Then dynalite is stopped
 *       (SIGSTOP) for longer than one call attempt and resumed, with the same checks;
 *   <li>one Payara instance is killed with SIGKILL while clients keep sending: the load balancer
 *       (the test) takes it out of the rotation a moment later, and clients continue on the other
 *       instance with their sessions. With more than one kill, the killed instance is restarted
 *       under load before the other one is killed, so a restarted instance serves the same
 *       sessions.
 * </ol>
 *
 * Quick run: {@code dysession.proof.fault.clients} (20) clients, {@code fault.outages} (1) outage
 * of {@code fault.outageMillis} (2000) ms, {@code fault.stalls} (1) stall (SIGSTOP) of {@code
 * fault.stallMillis} (1100) ms, {@code fault.instanceKills} (1), with {@code fault.betweenMillis}
 * (1500) ms of load before, between and after the faults.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class FaultIT {

  /** What Jersey logs, with a stack trace, when closing the response's output stream fails. */
  private static final String JERSEY_COMMIT_ERROR =
      "Error while closing the output stream in order to commit response";

  private ProofCluster cluster;
  private final Map<String, String> figures = new LinkedHashMap<>();

  @BeforeAll
  void start() throws Exception {
    cluster = ProofCluster.start("fault", ProofCluster.SHORT_TIMEOUTS);
    figures.put(
        "instances",
        "2 Payara Micro 6 (DynamoDB call timeout 2 s, attempt 700 ms, 1 retry), one dynalite");
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
  void
      dynamoDbKilledAndRestartedDuringLoad_answers503NeverANewSession_andEverySessionIsIntactAfterwards()
          throws Exception {
    int clients = Scale.integer("fault.clients", 20);
    int outages = Scale.integer("fault.outages", 1);
    Duration outage = Scale.millis("fault.outageMillis", 2000);
    Duration between = Scale.millis("fault.betweenMillis", 1500);
    int stalls = Scale.integer("fault.stalls", 1);
    Duration stall = Scale.millis("fault.stallMillis", 1100);
    LoadRun load = new LoadRun(cluster, clients, Duration.ofMillis(100));
    load.open();
    load.start(Integer.MAX_VALUE, Duration.ofMinutes(10));
    List<Long> gapAnswers = new ArrayList<>();
    List<Long> stallAnswers = new ArrayList<>();
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
      // A stall: dynalite stopped (SIGSTOP) longer than one call attempt (700 ms), then resumed.
      for (int i = 0; i < stalls; i++) {
        Thread.sleep(between.toMillis());
        long failedBefore = load.outcomesStartingWith("HTTP 503");
        cluster.pauseDynalite();
        try {
          Thread.sleep(stall.toMillis());
        } finally {
          cluster.resumeDynalite();
        }
        Thread.sleep(2500);
        stallAnswers.add(load.outcomesStartingWith("HTTP 503") - failedBefore);
      }
      Thread.sleep(between.toMillis());
    } finally {
      load.stop();
    }
    load.verify(cluster.instances());
    long outageLines = 0;
    long recoveryLines = 0;
    long jaxRsTraces = 0;
    for (PayaraMicro server : cluster.instances()) {
      String log = server.log();
      outageLines +=
          log.lines().filter(l -> l.contains(" ERROR ") && l.contains("Could not ")).count();
      recoveryLines += log.lines().filter(l -> l.contains("DynamoDB calls succeed again")).count();
      jaxRsTraces += log.lines().filter(l -> l.contains(JERSEY_COMMIT_ERROR)).count();
    }
    figures.put(
        "dynalite outages survived (SIGKILL, restart on the same data)",
        outages + " x " + outage.toMillis() + " ms, under load");
    figures.put(
        "dynalite stalls survived (SIGSTOP, SIGCONT)",
        stalls + " x " + stall.toMillis() + " ms, under load");
    record("dynalite run", load);
    figures.put(
        "dynalite run: 503 answers per outage / per stall", gapAnswers + " / " + stallAnswers);
    figures.put(
        "dynalite run: server log lines about outages (ERROR / recovered, both instances)",
        outageLines + " / " + recoveryLines);
    figures.put(
        "dynalite run: SEVERE stack traces Jersey logged for failed saves",
        Long.toString(jaxRsTraces));

    assertThat(load.outcomes().keySet())
        .as("answers")
        .allMatch(k -> k.equals("HTTP 200") || k.equals("HTTP 503"));
    assertThat(gapAnswers).as("503 answers in each outage").allMatch(n -> n > 0);
    assertThat(load.sum(u -> u.missingRetryAfter)).as("503 without Retry-After").isZero();
    assertThat(load.sum(u -> u.cookieChanges))
        .as("Set-Cookie after a client's first request")
        .isZero();
    assertThat(load.sum(u -> u.freshSessions)).as("answers with a new session").isZero();
    assertThat(load.sum(u -> u.sessionSwitches)).as("answers carrying another session").isZero();
    assertThat(load.sum(u -> u.disagreements))
        .as("instances disagreeing on a client's counts")
        .isZero();
    assertThat(load.inconsistentClients())
        .as("clients whose stored counts differ from their successful increments")
        .isEmpty();
    assertThat(outageLines)
        .as("ERROR lines: one per outage and instance, not one per request")
        .isLessThanOrEqualTo(outages * 2L * 3);
  }

  @Test
  @Order(2)
  void payaraInstanceKilledDuringLoad_clientsContinueOnTheOther_andSessionsAreIntact()
      throws Exception {
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
          try {
            victim.restart();
          } catch (IllegalStateException crowded) {
            // A machine crowded with other builds can miss the harness's readiness deadline once.
            System.out.println(
                "[FaultIT] restart failed, trying again: "
                    + crowded.getMessage().lines().findFirst().orElse(""));
            victim.restart();
          }
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
    figures.put(
        "Payara instances killed (SIGKILL) under load",
        kills
            + (restarts.isEmpty()
                ? ""
                : " (each but the last restarted under load, in "
                    + String.join(", ", restarts)
                    + ")"));
    record("instance run", load);
    figures.put(
        "instance run: successful answers from the survivor while the other was down",
        servedBySurvivor.toString());

    assertThat(load.outcomes().keySet())
        .as("answers")
        .allMatch(
            k -> k.equals("HTTP 200") || k.equals("HTTP 503") || k.startsWith("no answer from"));
    assertThat(servedBySurvivor)
        .as("the survivor served every client on")
        .allMatch(n -> n >= clients);
    assertThat(load.sum(u -> u.cookieChanges))
        .as("Set-Cookie after a client's first request")
        .isZero();
    assertThat(load.sum(u -> u.freshSessions)).as("answers with a new session").isZero();
    assertThat(load.sum(u -> u.sessionSwitches)).as("answers carrying another session").isZero();
    assertThat(load.sum(u -> u.disagreements))
        .as("instances disagreeing on a client's counts")
        .isZero();
    assertThat(load.inconsistentClients())
        .as("clients whose stored counts differ from their successful increments")
        .isEmpty();
  }

  /**
   * DynamoDB stalls (dynalite stopped with SIGSTOP, its connections left open) for longer than one
   * call attempt (700 ms) while a request creates a session, then goes on. The first PutItem
   * attempt times out in the SDK but is executed when DynamoDB resumes; the SDK's retry then fails
   * the condition {@code attribute_not_exists(PK) OR ttl <= :now}. Before the write token, the
   * store took that for a duplicate id: 503, no cookie, an orphan item (3 of 3 tries). Now the
   * create recognises its own earlier attempt: 200, a cookie, one item.
   */
  @Test
  @Order(3)
  void dynamoDbStalledLongerThanOneAttempt_whileASessionIsCreated_createsItOnceAndAnswers200()
      throws Exception {
    PayaraMicro server =
        cluster.instances().stream().filter(PayaraMicro::isRunning).findFirst().orElseThrow();
    List<String> results = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      CookieJarClient client = cluster.client();
      long before = cluster.itemCount();
      cluster.pauseDynalite();
      java.util.concurrent.CompletableFuture<CookieJarClient.Answer> answer;
      try {
        answer =
            java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return client.send("POST", server.op("set", "name", "x", "value", "1"));
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        Thread.sleep(1100);
      } finally {
        cluster.resumeDynalite();
      }
      CookieJarClient.Answer a = answer.get(30, TimeUnit.SECONDS);
      long created = cluster.itemCount() - before;
      results.add(
          "HTTP "
              + a.status()
              + ", items written "
              + created
              + ", cookie "
              + (client.sessionId() != null));
    }
    System.out.println("[FaultIT] session creation across a 1.1 s stall: " + results);
    assertThat(results)
        .as("answer, items written, cookie")
        .allMatch(r -> r.equals("HTTP 200, items written 1, cookie true"));
  }

  /**
   * When saving a JAX-RS request's session fails at commit time (DynamoDB down), Jersey must not
   * see the failure: it used to log SEVERE "Error while closing the output stream in order to
   * commit response" with a ~150-line stack trace for every such request, and the save was tried
   * three times per request. README promises one log line per outage, not one per request.
   */
  @Test
  @Order(4)
  void aDynamoDbOutageIsLoggedOnce_notOnceForEveryJaxRsRequest() throws Exception {
    CookieJarClient client = cluster.client();
    PayaraMicro server =
        cluster.instances().stream().filter(PayaraMicro::isRunning).findFirst().orElseThrow();
    client.json("POST", server.uri("api/counter"));
    long before = server.log().lines().filter(l -> l.contains(JERSEY_COMMIT_ERROR)).count();
    // The session is read before the stall; the save at commit meets a stopped DynamoDB.
    java.util.concurrent.CompletableFuture<CookieJarClient.Answer> answer;
    answer =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return client.send("POST", server.uri("api/counter/slow?ms=800"));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(300);
    cluster.dynalite().kill();
    try {
      assertThat(answer.get(30, TimeUnit.SECONDS).status()).isEqualTo(503);
      for (int i = 0; i < 5; i++) {
        assertThat(client.send("POST", server.uri("api/counter")).status()).isEqualTo(503);
      }
    } finally {
      cluster.dynalite().restart();
    }
    long after = server.log().lines().filter(l -> l.contains(JERSEY_COMMIT_ERROR)).count();
    assertThat(after - before)
        .as("SEVERE stack traces logged by Jersey during one outage")
        .isZero();
  }

  /**
   * DynamoDB stalls (SIGSTOP) while a JAX-RS request's session is being saved, and resumes after a
   * varying delay. Jersey sets Content-Length, so dysession saves while Jersey writes the entity.
   * Before the fix a failed save escaped into Jersey (measured: 500 although the change was saved,
   * or headers with {@code Content-Length: 278} and no body); now the response answers 503 itself
   * and discards the entity. Only 200 with its body and 503 are acceptable.
   */
  @Test
  @Order(5)
  void aStallWhileAJaxRsResponseIsSaved_answers200WithTheBodyOr503_never500() throws Exception {
    PayaraMicro server =
        cluster.instances().stream().filter(PayaraMicro::isRunning).findFirst().orElseThrow();
    List<String> outcomes = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    for (long resumeAfter : new long[] {1700, 2300, 2900, 3500, 4100, 4700, 5500}) {
      CookieJarClient client = cluster.client();
      client.json("POST", server.uri("api/counter"));
      java.util.concurrent.CompletableFuture<CookieJarClient.Answer> pending =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  return client.send("POST", server.uri("api/counter/slow?ms=600"));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      Thread.sleep(300);
      cluster.pauseDynalite();
      try {
        Thread.sleep(resumeAfter);
      } finally {
        cluster.resumeDynalite();
      }
      CookieJarClient.Answer answer;
      try {
        answer = pending.get(40, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        String outcome =
            "resumed after "
                + resumeAfter
                + " ms: no complete answer ("
                + e.getCause().getCause()
                + ")";
        outcomes.add(outcome);
        wrong.add(outcome);
        continue;
      }
      int stored = -1;
      for (int i = 0; i < 20 && stored < 0; i++) {
        CookieJarClient.Answer read = client.send("GET", server.uri("api/counter"));
        if (read.status() == 200) {
          stored = ((Number) read.json().get("count")).intValue();
        } else {
          Thread.sleep(250);
        }
      }
      String body =
          answer.body().isBlank()
              ? "empty body"
              : answer.body().contains("\"count\":2,") ? "count 2" : "other body";
      String outcome =
          "resumed after "
              + resumeAfter
              + " ms: HTTP "
              + answer.status()
              + " "
              + body
              + ", stored "
              + stored;
      outcomes.add(outcome);
      boolean ok =
          (answer.status() == 200 && body.equals("count 2") && stored == 2)
              || (answer.status() == 503 && (stored == 1 || stored == 2));
      if (!ok) {
        wrong.add(outcome);
      }
    }
    System.out.println("[FaultIT] JAX-RS save across a stall:\n  " + String.join("\n  ", outcomes));
    assertThat(wrong).as("answers other than 200 with its body or 503").isEmpty();
  }

  /**
   * An UpdateItem attempt that the SDK gave up on (attempt timeout) and retried is not necessarily
   * gone; when it reaches DynamoDB late, after a newer save, it must not write the older value over
   * the newer one. Saves are conditional on the version the request read ({@code ds_version}), so
   * the late attempt fails its condition. (Before that, under heavy CPU contention the reliability
   * load run lost 108 of 19,815 updates this way.) Store level, through a relay that delivers one
   * UpdateItem 2.5 s late.
   */
  @Test
  @Order(6)
  void aSaveAttemptDeliveredLate_doesNotOverwriteANewerSave() throws Exception {
    try (DelayingProxy proxy = new DelayingProxy(cluster.dynalite().endpoint())) {
      io.github.dysession.config.DysessionSettings settings =
          io.github.dysession.config.DysessionSettings.from(
              io.github.dysession.config.SettingsSource.of(
                  Map.of(
                      "dysession.dynamodb-tablename", cluster.table(),
                      "dysession.dynamodb-endpoint", proxy.endpoint().toString(),
                      "dysession.api-call-timeout-ms", "4000",
                      "dysession.api-call-attempt-timeout-ms", "700",
                      "dysession.max-retries", "2")));
      System.setProperty("aws.accessKeyId", "test");
      System.setProperty("aws.secretAccessKey", "test");
      try (software.amazon.awssdk.services.dynamodb.DynamoDbClient client =
          io.github.dysession.store.dynamodb.DynamoDbClientFactory.create(settings.dynamoDb())) {
        var store =
            new io.github.dysession.store.dynamodb.DynamoDbSessionStore(
                client, settings.dynamoDb());
        String id = new BadCookies(1).wellFormedId();
        cluster.remember(id);
        store.create(
            io.github.dysession.store.SessionData.newSession(
                id, java.time.Instant.now(), Duration.ofMinutes(30)));

        proxy.delayNext("UpdateItem", Duration.ofMillis(2500));
        var base = store.load(id).orElseThrow();
        assertThat(
                store
                    .save(
                        new io.github.dysession.store.SessionChanges(
                            base,
                            java.time.Instant.now(),
                            base.maxInactiveInterval(),
                            Map.of("x", new byte[] {'A'}),
                            java.util.Set.of()))
                    .result())
            .isEqualTo(io.github.dysession.store.SessionStore.SaveResult.WRITTEN);
        base = store.load(id).orElseThrow();
        assertThat(base.attributes().get("x")).containsExactly('A');
        assertThat(
                store
                    .save(
                        new io.github.dysession.store.SessionChanges(
                            base,
                            java.time.Instant.now(),
                            base.maxInactiveInterval(),
                            Map.of("x", new byte[] {'B'}),
                            java.util.Set.of()))
                    .result())
            .isEqualTo(io.github.dysession.store.SessionStore.SaveResult.WRITTEN);
        assertThat(store.load(id).orElseThrow().attributes().get("x")).containsExactly('B');

        Thread.sleep(3500);
        assertThat(proxy.deliveredLate()).as("the held-back attempt was delivered").isEqualTo(1);
        assertThat(store.load(id).orElseThrow().attributes().get("x"))
            .as("after the late attempt")
            .containsExactly('B');
      }
    }
  }

  @Test
  @Order(7)
  void noSessionIdIssuedDuringTheRun_appearsInAServerLog() throws Exception {
    assertThat(cluster.rememberedIds()).isNotEmpty();
    assertThat(cluster.idsInLogs()).isEmpty();
  }

  private void record(String run, LoadRun load) {
    figures.put(
        run + ": clients (one session each) / requests",
        load.users().size() + " / " + load.requests());
    figures.put(run + ": answers", format(load.outcomes()));
    figures.put(
        run + ": updates lost (attribute / bean)",
        load.sum(u -> u.attribute.lost) + " / " + load.sum(u -> u.bean.lost));
    figures.put(
        run + ": failed requests whose write landed anyway (attribute / bean)",
        load.sum(u -> u.attribute.landed) + " / " + load.sum(u -> u.bean.landed));
    figures.put(
        run + ": sessions replaced or switched",
        Integer.toString(
            load.sum(u -> u.cookieChanges)
                + load.sum(u -> u.sessionSwitches)
                + load.sum(u -> u.freshSessions)));
  }

  private static String format(Map<String, Long> outcomes) {
    return outcomes.toString().replaceAll("[{}]", "").replace("=", ": ");
  }
}
