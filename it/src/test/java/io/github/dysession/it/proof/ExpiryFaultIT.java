package io.github.dysession.it.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.it.support.CookieJarClient;
import io.github.dysession.it.support.PayaraMicro;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The expiry sweep when an instance dies: two Payara Micro 6 instances sweep every 2 s; sessions
 * made on both expire; instance b is killed (SIGKILL) while it sweeps, before their minute has
 * ended; instance a alone then ends every one of them once, those made on b too, and their items
 * are gone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ExpiryFaultIT {

  private static final int SESSIONS = 10;

  private ProofCluster cluster;

  @BeforeAll
  void start() throws Exception {
    Map<String, String> settings = new HashMap<>(ProofCluster.SHORT_TIMEOUTS);
    settings.put("dysession.expiry.sweep-interval-seconds", "2");
    cluster = ProofCluster.start("expiry", settings);
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void anInstanceKilledWhileSweeping_theOtherEndsEverySessionOnce_thoseMadeOnTheKilledOneToo()
      throws Exception {
    PayaraMicro a = cluster.a();
    PayaraMicro b = cluster.b();
    // Sessions whose minute ends well after the kill: none is claimed by b before it dies.
    while (Instant.now().getEpochSecond() % 60 > 40) {
      Thread.sleep(500);
    }
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<String> tags = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      PayaraMicro server = i % 2 == 0 ? a : b;
      CookieJarClient client = cluster.client();
      String tag = "kill-" + run + "-" + i;
      assertThat(client.send("POST", server.op("set", "name", "expiryTag", "value", tag)).status())
          .isEqualTo(200);
      assertThat(client.send("POST", server.op("maxInactive", "value", "2")).status())
          .isEqualTo(200);
      tags.add(tag);
      ids.add(client.sessionId());
    }
    // b has been sweeping (a pass every 2 s) since it started; it dies in the middle of that.
    Thread.sleep(1_000);
    b.kill();
    long killed = System.nanoTime();

    long deadline = killed + Duration.ofSeconds(100).toNanos();
    Map<String, Long> onA = Map.of();
    while (System.nanoTime() < deadline) {
      onA = cluster.events(a);
      Map<String, Long> seen = onA;
      if (tags.stream().allMatch(t -> seen.getOrDefault("sessionDestroyed:" + t, 0L) >= 1)) {
        break;
      }
      Thread.sleep(1_000);
    }
    System.out.println(
        "[ExpiryFaultIT] a ended the "
            + SESSIONS
            + " sessions "
            + Duration.ofNanos(System.nanoTime() - killed).toSeconds()
            + " s after b was killed");
    // a's passes go on: nothing ends twice.
    Thread.sleep(5_000);
    onA = cluster.events(a);
    for (String tag : tags) {
      assertThat(onA.getOrDefault("sessionDestroyed:" + tag, 0L))
          .as("sessionDestroyed of %s on a", tag)
          .isEqualTo(1);
    }
    for (String id : ids) {
      assertThat(cluster.item(id)).as("item of an ended session").isEmpty();
    }
  }
}
