package io.github.dysession.it.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.it.support.PayaraMicro;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Load, nothing lost: at least 50 concurrent clients, each with its own session, each making its
 * requests round-robin over two Payara Micro 6 instances sharing one dynalite (the {@link
 * SharedCluster}), alternately incrementing a servlet attribute and a {@code @SessionScoped}
 * counter. At the end every client's stored counts equal its successful increments, on both
 * instances.
 *
 * <p>Quick run: {@code dysession.proof.clients} (50) x {@code dysession.proof.requests} (40)
 * requests, at most {@code dysession.proof.seconds} (90) seconds.
 */
@ExtendWith(SharedCluster.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class LoadIT {

  private ProofCluster cluster;

  @BeforeAll
  void start(ProofCluster shared) {
    // The library's default DynamoDB timeouts (5 s per call, 3 retries): this is not a fault test.
    cluster = shared;
  }

  @Test
  @Order(1)
  void concurrentClientsRoundRobinOverTwoInstances_loseNoUpdate() throws Exception {
    int clients = Scale.integer("clients", 50);
    int requests = Scale.integer("requests", 40);
    Duration limit = Scale.seconds("seconds", 90);
    LoadRun load = new LoadRun(cluster, clients, Duration.ofMillis(50));
    load.open();
    cluster.resetCounts();
    load.start(requests, limit);
    load.join();
    Map<String, Long> calls = new TreeMap<>();
    for (PayaraMicro server : cluster.instances()) {
      cluster.calls(server).forEach((op, n) -> calls.merge(op, n, Long::sum));
    }
    load.verify(cluster.instances());

    Map<String, String> figures = new LinkedHashMap<>();
    figures.put("instances", "2 Payara Micro 6, round-robin, no sticky sessions, one dynalite");
    figures.putAll(load.figures());
    figures.put(
        "duration",
        String.format(
            "%.1f s (%.0f requests/s)",
            load.elapsed().toMillis() / 1000.0,
            load.requests() * 1000.0 / Math.max(1, load.elapsed().toMillis())));
    figures.put(
        "DynamoDB calls during the load",
        calls.toString().replaceAll("[{}]", "").replace("=", ": "));
    figures.put("clients stopped by the time limit", Integer.toString(load.deadlineHits()));
    Report.publish("load", figures);

    assertThat(clients).as("clients").isGreaterThanOrEqualTo(Scale.reliability() ? 1 : 50);
    assertThat(load.inconsistentClients())
        .as("clients whose stored counts differ from their successful increments")
        .isEmpty();
    assertThat(load.sum(u -> u.attribute.lost) + load.sum(u -> u.bean.lost))
        .as("updates lost")
        .isZero();
    assertThat(load.outcomes().keySet())
        .as("answers")
        .allMatch(k -> k.equals("HTTP 200") || k.equals("HTTP 503"));
    assertThat(load.sum(u -> u.cookieChanges))
        .as("Set-Cookie after a client's first request")
        .isZero();
    assertThat(load.sum(u -> u.sessionSwitches)).as("answers carrying another session").isZero();
    assertThat(load.sum(u -> u.freshSessions)).as("answers with a new session").isZero();
    assertThat(load.sum(u -> u.disagreements))
        .as("instances disagreeing on a client's counts")
        .isZero();
    assertThat(load.sum(u -> u.missingRetryAfter)).as("503 without Retry-After").isZero();
    if (!Scale.reliability()) {
      assertThat(load.deadlineHits()).as("clients stopped by the time limit").isZero();
      assertThat(load.requests()).isEqualTo((long) clients * requests);
    }
    for (LoadRun.User user : load.users()) {
      // Both counters moved on every instance: requests really alternated.
      assertThat(user.attribute.finalValue)
          .as("%s attribute", user)
          .isEqualTo(user.attribute.successes + user.attribute.landed);
      assertThat(user.bean.finalValue)
          .as("%s bean", user)
          .isEqualTo(user.bean.successes + user.bean.landed);
    }
  }

  @Test
  @Order(2)
  void noSessionIdIssuedDuringTheRun_appearsInAServerLog() throws Exception {
    assertThat(cluster.rememberedIds()).isNotEmpty();
    assertThat(cluster.idsInLogs()).isEmpty();
  }
}
