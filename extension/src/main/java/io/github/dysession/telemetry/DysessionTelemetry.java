package io.github.dysession.telemetry;

import io.github.dysession.cdi.Dysession;
import io.github.dysession.config.TelemetrySwitch;
import io.github.dysession.store.Operations;
import io.github.dysession.store.OperationsListener;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Records dysession's metrics on the application's OpenTelemetry meter (MicroProfile Telemetry),
 * each with the attribute {@code app}, the application's context path: DynamoDB calls by operation
 * and outcome, their duration, the capacity they consumed, sessions created, invalidated and ended
 * by the expiry sweep, conflicts re-applied, values dropped as undecodable, and the bytes each save
 * wrote. The names are those of dysession's MicroProfile Metrics.
 *
 * <p>Only while the application's OpenTelemetry SDK is on: MicroProfile Telemetry keeps it off
 * unless {@code otel.sdk.disabled=false} is configured, and with it off nothing is recorded and no
 * DynamoDB call asks for its consumed capacity.
 */
@ApplicationScoped
public class DysessionTelemetry implements OperationsListener {

  private static final Logger LOG = Logger.getLogger(DysessionTelemetry.class.getName());

  /** The instrumentation scope of dysession's meter. */
  static final String SCOPE = "io.github.dysession";

  /** Prefix of every instrument name. */
  static final String PREFIX = "dysession.";

  private static final AttributeKey<String> APP = AttributeKey.stringKey("app");
  private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("operation");
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");

  @Inject Instance<OpenTelemetry> telemetries;

  @Inject @Dysession Instance<Operations> operationsBean;

  private volatile Operations operations;
  private volatile Supplier<OpenTelemetry> telemetry;

  // Created once the application's context path is known (the filter reports it at start-up);
  // reports before that (the table's creation at deployment) are not recorded.
  private volatile Instruments instruments;

  /** The instruments of one application, and the attributes of its calls. */
  private static final class Instruments {
    final Attributes app;
    final String appName;
    final Map<String, Attributes> callAttributes = new ConcurrentHashMap<>();
    final Map<String, Attributes> durationAttributes = new ConcurrentHashMap<>();
    final LongCounter calls;
    final DoubleHistogram duration;
    final DoubleCounter capacity;
    final LongCounter created;
    final LongCounter invalidated;
    final LongCounter expired;
    final LongCounter reapplied;
    final LongCounter dropped;
    final LongHistogram savedBytes;

    Instruments(Meter meter, String contextPath) {
      appName = contextPath.isEmpty() ? "/" : contextPath;
      app = Attributes.of(APP, appName);
      calls =
          meter
              .counterBuilder(PREFIX + "dynamodb.calls")
              .setDescription("DynamoDB calls of dysession, by operation and outcome")
              .setUnit("{call}")
              .build();
      duration =
          meter
              .histogramBuilder(PREFIX + "dynamodb.call.duration")
              .setDescription("How long dysession's DynamoDB calls took, with the SDK's retries")
              // Milliseconds: the SDK's default buckets (0, 5, 10, 25 ... 10000) fit them; API
              // 1.29, the oldest of the servers, cannot advise buckets for seconds.
              .setUnit("ms")
              .build();
      capacity =
          meter
              .counterBuilder(PREFIX + "dynamodb.consumed.capacity")
              .ofDoubles()
              .setDescription("Capacity units dysession's DynamoDB calls consumed")
              .setUnit("{capacity_unit}")
              .build();
      created = sessions(meter, "created", "Sessions written for the first time");
      invalidated = sessions(meter, "invalidated", "Stored sessions invalidated");
      expired =
          sessions(meter, "expired", "Expired sessions this instance's sweep claimed and ended");
      reapplied =
          meter
              .counterBuilder(PREFIX + "conflicts.reapplied")
              .setDescription("Saves applied on top of a concurrent write of the same session")
              .setUnit("{conflict}")
              .build();
      dropped =
          meter
              .counterBuilder(PREFIX + "values.dropped")
              .setDescription("Stored attribute values dropped as undecodable")
              .setUnit("{value}")
              .build();
      savedBytes =
          meter
              .histogramBuilder(PREFIX + "save.bytes")
              .ofLongs()
              .setDescription("Bytes of attribute values one save wrote")
              .setUnit("By")
              .build();
    }

    private static LongCounter sessions(Meter meter, String what, String description) {
      return meter
          .counterBuilder(PREFIX + "sessions." + what)
          .setDescription(description)
          .setUnit("{session}")
          .build();
    }

    Attributes call(String operation, String outcome) {
      return callAttributes.computeIfAbsent(
          operation + '/' + outcome,
          k -> app.toBuilder().put(OPERATION, operation).put(OUTCOME, outcome).build());
    }

    Attributes duration(String operation) {
      return durationAttributes.computeIfAbsent(
          operation, k -> app.toBuilder().put(OPERATION, k).build());
    }
  }

  /** Starts hearing the application's operations, if its OpenTelemetry SDK is on. */
  void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
    if (!telemetries.isResolvable() || !operationsBean.isResolvable()) {
      // dysession switched off (no operations), or a server with the API but no telemetry bean.
      return;
    }
    if (!TelemetrySwitch.sdkOn(ConfigProvider.getConfig())) {
      LOG.fine("dysession records no OpenTelemetry metrics: otel.sdk.disabled is not false");
      return;
    }
    // The server's bean is looked up when the filter starts, in the application's own context.
    attach(operationsBean.get(), telemetries::get);
  }

  /** Records {@code operations}' reports on the meter of {@code telemetry} from now on. */
  void attach(Operations operations, Supplier<OpenTelemetry> telemetry) {
    this.telemetry = telemetry;
    this.operations = operations;
    operations.listen(this);
  }

  /** Stops hearing before the application ends (the server then closes its SDK). */
  void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object event) {
    if (operations != null) {
      operations.stopListening(this);
    }
  }

  @Override
  public synchronized void applicationStarted(String contextPath) {
    if (instruments == null) {
      Meter meter = telemetry.get().getMeter(SCOPE);
      instruments = new Instruments(meter, contextPath);
      LOG.fine(() -> "dysession's OpenTelemetry metrics are recorded with app=" + contextPath);
    }
  }

  @Override
  public void dynamoDbCall(String operation, Outcome outcome, long nanos, double capacityUnits) {
    Instruments i = instruments;
    if (i == null) {
      return;
    }
    i.calls.add(1, i.call(operation, outcome.name().toLowerCase(Locale.ROOT)));
    i.duration.record(nanos / 1e6, i.duration(operation));
    if (capacityUnits > 0) {
      i.capacity.add(capacityUnits, i.app);
    }
  }

  @Override
  public void sessionCreated() {
    Instruments i = instruments;
    if (i != null) {
      i.created.add(1, i.app);
    }
  }

  @Override
  public void sessionInvalidated() {
    Instruments i = instruments;
    if (i != null) {
      i.invalidated.add(1, i.app);
    }
  }

  @Override
  public void sessionExpired() {
    Instruments i = instruments;
    if (i != null) {
      i.expired.add(1, i.app);
    }
  }

  @Override
  public void conflictReapplied() {
    Instruments i = instruments;
    if (i != null) {
      i.reapplied.add(1, i.app);
    }
  }

  @Override
  public void valueDropped() {
    Instruments i = instruments;
    if (i != null) {
      i.dropped.add(1, i.app);
    }
  }

  @Override
  public void saved(int attributes, long bytes) {
    Instruments i = instruments;
    if (i != null) {
      i.savedBytes.record(bytes, i.app);
    }
  }
}
