package io.github.dysession.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.store.Operations;
import io.github.dysession.store.OperationsListener.Outcome;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** dysession's instruments on a real OpenTelemetry SDK, read back with its in-memory reader. */
class DysessionTelemetryTest {

  private final InMemoryMetricReader reader = InMemoryMetricReader.create();
  private OpenTelemetrySdk sdk;
  private final Operations operations = new Operations();
  private final DysessionTelemetry telemetry = new DysessionTelemetry();

  @BeforeEach
  void sdk() {
    sdk =
        OpenTelemetrySdk.builder()
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
            .build();
  }

  @AfterEach
  void close() {
    sdk.getSdkMeterProvider().close();
  }

  @Test
  void reports_areRecordedWithTheApplicationsContextPath_byOperationAndOutcome() {
    AtomicInteger lookups = new AtomicInteger();
    telemetry.attach(
        operations,
        () -> {
          lookups.incrementAndGet();
          return sdk;
        });
    assertThat(lookups).as("the server's bean is not looked up before the start").hasValue(0);
    operations.sessionCreated(); // before the start (the table's creation): not recorded
    operations.applicationStarted("/shop");
    operations.dynamoDbCall("GetItem", Outcome.OK, 2_000_000, 0.5);
    operations.dynamoDbCall("GetItem", Outcome.OK, 4_000_000, 0.5);
    operations.dynamoDbCall("UpdateItem", Outcome.CONDITIONAL_CONFLICT, 3_000_000, -1);
    operations.sessionCreated();
    operations.sessionInvalidated();
    operations.sessionExpired();
    operations.sessionExpired();
    operations.conflictReapplied();
    operations.valueDropped();
    operations.saved(2, 120);
    operations.saved(1, 30);

    Collection<MetricData> metrics = reader.collectAllMetrics();
    Attributes shop = Attributes.of(AttributeKey.stringKey("app"), "/shop");
    assertThat(lookups).hasValue(1);
    assertThat(sum(metrics, "dysession.dynamodb.calls", call(shop, "GetItem", "ok"))).isEqualTo(2);
    assertThat(
            sum(
                metrics,
                "dysession.dynamodb.calls",
                call(shop, "UpdateItem", "conditional_conflict")))
        .isEqualTo(1);
    assertThat(sum(metrics, "dysession.sessions.created", shop)).isEqualTo(1);
    assertThat(sum(metrics, "dysession.sessions.invalidated", shop)).isEqualTo(1);
    assertThat(sum(metrics, "dysession.sessions.expired", shop)).isEqualTo(2);
    assertThat(sum(metrics, "dysession.conflicts.reapplied", shop)).isEqualTo(1);
    assertThat(sum(metrics, "dysession.values.dropped", shop)).isEqualTo(1);

    HistogramPointData getItems =
        histogram(
            metrics,
            "dysession.dynamodb.call.duration",
            shop.toBuilder().put("operation", "GetItem").build());
    assertThat(getItems.getCount()).isEqualTo(2);
    assertThat(getItems.getSum()).as("milliseconds").isEqualTo(6.0);
    HistogramPointData saves = histogram(metrics, "dysession.save.bytes", shop);
    assertThat(saves.getCount()).isEqualTo(2);
    assertThat(saves.getSum()).isEqualTo(150.0);
    MetricData capacity = metric(metrics, "dysession.dynamodb.consumed.capacity");
    assertThat(capacity.getDoubleSumData().getPoints())
        .singleElement()
        .satisfies(p -> assertThat(p.getValue()).isEqualTo(1.0));
    assertThat(metric(metrics, "dysession.dynamodb.call.duration").getUnit()).isEqualTo("ms");
    assertThat(metric(metrics, "dysession.dynamodb.calls").getInstrumentationScopeInfo().getName())
        .isEqualTo("io.github.dysession");
  }

  @Test
  void theRootApplication_isRecordedAsSlash_andAStoppedOne_recordsNoMore() {
    telemetry.attach(operations, () -> sdk);
    operations.applicationStarted("");
    operations.sessionCreated();
    telemetry.stop(new Object());
    operations.sessionCreated();

    assertThat(operations.isListened()).isFalse();
    assertThat(
            sum(
                reader.collectAllMetrics(),
                "dysession.sessions.created",
                Attributes.of(AttributeKey.stringKey("app"), "/")))
        .isEqualTo(1);
  }

  private static Attributes call(Attributes app, String operation, String outcome) {
    return app.toBuilder().put("operation", operation).put("outcome", outcome).build();
  }

  private static MetricData metric(Collection<MetricData> metrics, String name) {
    return metrics.stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name + " in " + metrics));
  }

  private static long sum(Collection<MetricData> metrics, String name, Attributes attributes) {
    return metric(metrics, name).getLongSumData().getPoints().stream()
        .filter(p -> p.getAttributes().equals(attributes))
        .mapToLong(LongPointData::getValue)
        .sum();
  }

  private static HistogramPointData histogram(
      Collection<MetricData> metrics, String name, Attributes attributes) {
    return metric(metrics, name).getHistogramData().getPoints().stream()
        .filter(p -> p.getAttributes().equals(attributes))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no point " + attributes + " of " + name));
  }
}
