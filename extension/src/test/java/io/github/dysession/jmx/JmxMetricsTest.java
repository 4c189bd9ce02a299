package io.github.dysession.jmx;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.store.Operations;
import io.github.dysession.store.OperationsListener;
import io.github.dysession.store.OperationsListener.Outcome;
import java.lang.management.ManagementFactory;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;

/** The MXBean on the platform MBean server, read as a JMX console reads it. */
class JmxMetricsTest {

  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

  @Test
  void counts_areShownUnderTheApplicationsName_untilClosed() throws Exception {
    Operations operations = new Operations();
    JmxMetrics jmx = new JmxMetrics();
    operations.listen(jmx);
    assertThat(operations.wantsConsumedCapacity()).as("JMX shows no capacity").isFalse();
    ObjectName name = new ObjectName("io.github.dysession:type=Metrics,app=\"/jmx-shop\"");
    assertThat(JmxMetrics.name("/jmx-shop")).isEqualTo(name);

    operations.applicationStarted("/jmx-shop");
    operations.sessionCreated();
    operations.sessionInvalidated();
    operations.dynamoDbCall("GetItem", Outcome.OK, 2_000_000, -1);
    operations.dynamoDbCall("GetItem", Outcome.OK, 1_000_000, -1);
    operations.dynamoDbCall("UpdateItem", Outcome.CONDITIONAL_CONFLICT, 1_000_000, -1);
    operations.dynamoDbCall("PutItem", Outcome.THROTTLED, 1_000_000, -1);
    operations.saved(2, 100);

    assertThat(server.isRegistered(name)).isTrue();
    assertThat(server.getAttribute(name, "Application")).isEqualTo("/jmx-shop");
    assertThat(server.getAttribute(name, "SessionsCreated")).isEqualTo(1L);
    assertThat(server.getAttribute(name, "SessionsInvalidated")).isEqualTo(1L);
    assertThat(server.getAttribute(name, "DynamoDbCalls")).isEqualTo(4L);
    assertThat(server.getAttribute(name, "DynamoDbFailedCalls")).isEqualTo(1L);
    assertThat(server.getAttribute(name, "DynamoDbThrottledCalls")).isEqualTo(1L);
    assertThat(server.getAttribute(name, "DynamoDbConditionalConflicts")).isEqualTo(1L);
    assertThat(server.getAttribute(name, "DynamoDbCallMillis")).isEqualTo(5.0);
    assertThat(server.getAttribute(name, "Saves")).isEqualTo(1L);
    assertThat(server.getAttribute(name, "SavedBytes")).isEqualTo(100L);
    TabularData byOperation = (TabularData) server.getAttribute(name, "DynamoDbCallsByOperation");
    Map<Object, Object> rows = new java.util.TreeMap<>();
    for (Object row : byOperation.values()) {
      CompositeData data = (CompositeData) row;
      rows.put(data.get("key"), data.get("value"));
    }
    assertThat(rows)
        .containsExactly(
            Map.entry("GetItem ok", 2L),
            Map.entry("PutItem throttled", 1L),
            Map.entry("UpdateItem conditional_conflict", 1L));

    jmx.close();
    assertThat(server.isRegistered(name)).isFalse();
  }

  @Test
  void aNameLeftByAnEarlierDeployment_isTakenOver() throws Exception {
    JmxMetrics earlier = new JmxMetrics();
    earlier.applicationStarted("");
    JmxMetrics later = new JmxMetrics();
    later.applicationStarted("");
    later.sessionCreated();
    ObjectName root = JmxMetrics.name("");
    assertThat(root.getKeyProperty("app")).isEqualTo("\"/\"");
    assertThat(server.getAttribute(root, "SessionsCreated")).isEqualTo(1L);
    earlier.close(); // the earlier one ends after the later one started: the later one stays
    assertThat(server.getAttribute(root, "Deployment")).isEqualTo(later.getDeployment());
    later.close();
    assertThat(server.isRegistered(root)).isFalse();
  }

  @Test
  void capacity_isAskedFor_whileAListenerThatUsesItListens() {
    Operations operations = new Operations();
    operations.listen(new JmxMetrics());
    OperationsListener metrics = new OperationsListener() {};
    operations.listen(metrics);
    assertThat(operations.wantsConsumedCapacity()).isTrue();
    operations.stopListening(metrics);
    assertThat(operations.wantsConsumedCapacity()).isFalse();
  }
}
